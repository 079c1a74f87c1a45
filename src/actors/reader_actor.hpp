#pragma once
/// Reader actors: REST queries on connections of their own, each on its own
/// thread (the catalog blocks), so reads never queue behind writes.

#include <atomic>
#include <memory>
#include <vector>

#include "actors/protocol.hpp"
#include "core/ports/store.hpp"

namespace taskhook {

/// Spawns one reader actor over `cat` (`detached`: its own thread).
reader_actor_type spawn_reader(caf::actor_system& sys, std::shared_ptr<catalog> cat,
                               bool detached = true);

/// Several readers, handed out round-robin.
class reader_pool {
 public:
  explicit reader_pool(std::vector<reader_actor_type> readers) : readers_(std::move(readers)) {}
  const reader_actor_type& next() const {
    return readers_[next_.fetch_add(1, std::memory_order_relaxed) % readers_.size()];
  }
  const std::vector<reader_actor_type>& all() const { return readers_; }

 private:
  std::vector<reader_actor_type> readers_;
  mutable std::atomic<std::size_t> next_{0};
};

}  // namespace taskhook
