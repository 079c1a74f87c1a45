#include "actors/fire_timer.hpp"

#include <caf/all.hpp>
#include <pthread.h>

#include <utility>

#include "actors/protocol.hpp"

namespace taskhook {

fire_timer::fire_timer(const wall_clock& clock) : clock_(clock), slots_(1) {}

fire_timer::~fire_timer() { stop(); }

void fire_timer::start() {
  std::lock_guard lock(mutex_);
  if (thread_.joinable()) return;
  stopping_ = false;
  thread_ = std::thread([this] {
    pthread_setname_np(pthread_self(), "fire_timer");  // for top, perf and the benches
    run();
  });
}

void fire_timer::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

fire_handle fire_timer::arm(fire_handle previous, instant due, caf::actor_control_block* target,
                            std::uint32_t generation) {
  bool earliest = false;
  fire_handle h;
  {
    std::lock_guard lock(mutex_);
    if (previous.slot != 0 && previous.slot < slots_.size() &&
        slots_[previous.slot].stamp == previous.stamp && slots_[previous.slot].target != nullptr) {
      unlink(previous.slot);
      release(previous.slot);
    }
    std::uint32_t i;
    if (!free_.empty()) {
      i = free_.back();
      free_.pop_back();
    } else {
      i = static_cast<std::uint32_t>(slots_.size());
      slots_.emplace_back();
    }
    slot& s = slots_[i];
    s.due = due;
    s.target = target;
    s.generation = generation;
    s.prev = 0;
    auto [bucket, fresh] = buckets_.try_emplace(due, i);
    if (fresh) {
      s.next = 0;
      earliest = bucket == buckets_.begin();
    } else {
      s.next = bucket->second;
      slots_[bucket->second].prev = i;
      bucket->second = i;
    }
    ++pending_;
    h = {i, s.stamp};
  }
  if (earliest) wake_.notify_all();  // the thread may be waiting for a later one
  return h;
}

void fire_timer::cancel(fire_handle h) {
  std::lock_guard lock(mutex_);
  if (h.slot == 0 || h.slot >= slots_.size()) return;
  slot& s = slots_[h.slot];
  if (s.stamp != h.stamp || s.target == nullptr) return;
  unlink(h.slot);
  release(h.slot);
}

void fire_timer::unlink(std::uint32_t i) {
  slot& s = slots_[i];
  if (s.prev != 0) {
    slots_[s.prev].next = s.next;
  } else {
    auto bucket = buckets_.find(s.due);
    if (s.next == 0)
      buckets_.erase(bucket);
    else
      bucket->second = s.next;
  }
  if (s.next != 0) slots_[s.next].prev = s.prev;
  --pending_;
}

void fire_timer::release(std::uint32_t i) {
  slot& s = slots_[i];
  s.target = nullptr;
  ++s.stamp;
  free_.push_back(i);
}

std::size_t fire_timer::fire_due() {
  std::vector<std::pair<caf::strong_actor_ptr, std::uint32_t>> due;
  {
    std::lock_guard lock(mutex_);
    const instant now = clock_.now();
    while (!buckets_.empty() && buckets_.begin()->first <= now) {
      std::uint32_t i = buckets_.begin()->second;
      buckets_.erase(buckets_.begin());
      while (i != 0) {
        slot& s = slots_[i];
        std::uint32_t next = s.next;
        // The target cancels under this lock before it goes, so it is alive
        // here; it may be on its way out, which the upgrade tells.
        if (caf::intrusive_ptr_upgrade_weak(s.target))
          due.emplace_back(caf::strong_actor_ptr{s.target, false}, s.generation);
        --pending_;
        release(i);
        i = next;
      }
    }
  }
  // Outside the lock: the enqueue may run an actor's code on this thread.
  for (auto& [target, generation] : due)
    caf::anon_send(caf::actor_cast<caf::actor>(target), fire_atom::value, generation);
  return due.size();
}

std::optional<instant> fire_timer::next_due() const {
  std::lock_guard lock(mutex_);
  if (buckets_.empty()) return std::nullopt;
  return buckets_.begin()->first;
}

std::size_t fire_timer::pending() const {
  std::lock_guard lock(mutex_);
  return pending_;
}

void fire_timer::run() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    if (buckets_.empty()) {
      wake_.wait(lock);
      continue;
    }
    // Wall-clock instants, waited for on the steady clock and checked again
    // on waking, so a clock step moves the fire rather than losing it.
    auto wait = buckets_.begin()->first - clock_.now();
    if (wait.count() > 0) {
      wake_.wait_for(lock, wait);
      continue;
    }
    lock.unlock();
    fire_due();
    lock.lock();
  }
}

}  // namespace taskhook
