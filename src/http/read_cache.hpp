#pragma once
/// A micro-cache of GET /api/tasks/:id bodies. Under load the same task is read
/// again and again, and every read is a database round trip through a reader
/// actor; a body younger than `ttl` is served from memory instead. Changes made
/// through the API evict the task's entry at once, so a client always reads
/// its own writes; new attempt rows show up within `ttl`.

#include <array>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "core/uuid.hpp"

namespace taskhook::http {

class read_cache {
 public:
  using clock = std::chrono::steady_clock;

  explicit read_cache(std::chrono::milliseconds ttl, std::size_t max_entries = 100000)
      : ttl_(ttl), per_shard_(std::max<std::size_t>(1, max_entries / shard_count)) {}

  /// The cached body of `id` for `tenant`, if it is fresh.
  std::optional<std::string> get(const uuid& tenant, const uuid& id, clock::time_point now) {
    auto& sh = shard_of(id);
    std::lock_guard lock(sh.mutex);
    auto it = sh.entries.find(id);
    if (it == sh.entries.end() || it->second.tenant != tenant || now >= it->second.expires)
      return std::nullopt;
    return it->second.body;
  }

  /// Taken before a read starts; put() with it stores nothing if an eviction
  /// came in between (the read may have seen the old row).
  std::uint64_t epoch(const uuid& id) {
    auto& sh = shard_of(id);
    std::lock_guard lock(sh.mutex);
    return sh.epoch;
  }

  void put(const uuid& tenant, const uuid& id, std::string body, std::uint64_t epoch_at_read,
           clock::time_point now) {
    if (ttl_.count() <= 0) return;
    auto& sh = shard_of(id);
    std::lock_guard lock(sh.mutex);
    if (sh.epoch != epoch_at_read) return;
    // Bounded: a full shard starts over rather than tracking recency per read.
    if (sh.entries.size() >= per_shard_) sh.entries.clear();
    sh.entries[id] = entry{tenant, std::move(body), now + ttl_};
  }

  void evict(const uuid& id) {
    auto& sh = shard_of(id);
    std::lock_guard lock(sh.mutex);
    sh.entries.erase(id);
    ++sh.epoch;
  }

 private:
  static constexpr std::size_t shard_count = 16;
  struct entry {
    uuid tenant;
    std::string body;
    clock::time_point expires;
  };
  struct shard {
    std::mutex mutex;
    std::unordered_map<uuid, entry> entries;
    std::uint64_t epoch = 0;
  };
  shard& shard_of(const uuid& id) { return shards_[std::hash<uuid>{}(id) % shard_count]; }

  std::chrono::milliseconds ttl_;
  std::size_t per_shard_;
  std::array<shard, shard_count> shards_;
};

}  // namespace taskhook::http
