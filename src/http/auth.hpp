#pragma once
/// API keys and per-key rate limits, checked on every request before any
/// message enters the actor system. Keys are known only by their SHA-256; the
/// table lives in memory (loaded at start, extended when a tenant is created).

#include <chrono>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/read_models.hpp"
#include "core/uuid.hpp"

namespace taskhook::http {

/// SHA-256 of a key.
key_hash hash_key(std::string_view key);

/// A new random key: `thk_` + 43 characters of base64url (256 bits).
std::string generate_key();

/// Who a request is.
struct principal {
  uuid tenant;
  bool admin = false;
  key_hash hash{};
};

/// Hash → principal, read by every request, written rarely.
class key_table {
 public:
  void add(const api_key_entry& e);
  void replace_all(const std::vector<api_key_entry>& entries);
  /// The principal for `key`, comparing hashes in constant time.
  std::optional<principal> find(std::string_view key) const;

 private:
  struct hash_of_hash {
    std::size_t operator()(const key_hash& h) const noexcept;
  };
  mutable std::shared_mutex mutex_;
  std::unordered_map<key_hash, api_key_entry, hash_of_hash> keys_;
};

/// A token bucket per key: `per_minute` requests, refilled continuously.
class rate_limiter {
 public:
  explicit rate_limiter(int per_minute) : per_minute_(per_minute) {}

  /// Takes one token for `key`; when none is left, how long until one is.
  std::optional<std::chrono::milliseconds> take(const key_hash& key,
                                                std::chrono::steady_clock::time_point now);

 private:
  struct bucket {
    double tokens;
    std::chrono::steady_clock::time_point updated;
  };
  static constexpr std::size_t shards = 16;
  struct shard {
    std::mutex mutex;
    std::unordered_map<std::uint64_t, bucket> buckets;
  };
  int per_minute_;
  shard shards_[shards];
};

}  // namespace taskhook::http
