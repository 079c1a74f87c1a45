#include "http/auth.hpp"

#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

#include <cstring>
#include <stdexcept>

namespace taskhook::http {

key_hash hash_key(std::string_view key) {
  key_hash out{};
  SHA256(reinterpret_cast<const unsigned char*>(key.data()), key.size(), out.data());
  return out;
}

std::string generate_key() {
  static constexpr char alphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  unsigned char bytes[32];
  if (RAND_bytes(bytes, sizeof bytes) != 1) throw std::runtime_error("no randomness for a key");
  std::string out = "thk_";
  // base64url without padding: 32 bytes → 43 characters.
  std::uint32_t acc = 0;
  int bits = 0;
  for (unsigned char b : bytes) {
    acc = (acc << 8) | b;
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out.push_back(alphabet[(acc >> bits) & 0x3f]);
    }
  }
  if (bits > 0) out.push_back(alphabet[(acc << (6 - bits)) & 0x3f]);
  return out;
}

std::size_t key_table::hash_of_hash::operator()(const key_hash& h) const noexcept {
  std::size_t v;
  std::memcpy(&v, h.data(), sizeof v);  // a SHA-256 is already uniformly spread
  return v;
}

void key_table::add(const api_key_entry& e) {
  std::unique_lock lock(mutex_);
  keys_[e.hash] = e;
}

void key_table::replace_all(const std::vector<api_key_entry>& entries) {
  std::unique_lock lock(mutex_);
  keys_.clear();
  for (const auto& e : entries) keys_[e.hash] = e;
}

std::optional<principal> key_table::find(std::string_view key) const {
  if (key.empty() || key.size() > 512) return std::nullopt;
  const key_hash h = hash_key(key);
  std::shared_lock lock(mutex_);
  auto it = keys_.find(h);
  // The map finds the candidate by hash; the final comparison does not leak
  // how many bytes matched.
  if (it == keys_.end() || CRYPTO_memcmp(it->first.data(), h.data(), h.size()) != 0)
    return std::nullopt;
  return principal{it->second.tenant, it->second.admin, h};
}

std::optional<std::chrono::milliseconds> rate_limiter::take(
    const key_hash& key, std::chrono::steady_clock::time_point now) {
  std::uint64_t id;
  std::memcpy(&id, key.data(), sizeof id);
  auto& sh = shards_[id % shards];
  std::lock_guard lock(sh.mutex);
  const double capacity = per_minute_;
  const double per_ms = capacity / 60000.0;
  auto [it, inserted] = sh.buckets.try_emplace(id, bucket{capacity, now});
  auto& b = it->second;
  if (!inserted) {
    auto elapsed = std::chrono::duration<double, std::milli>(now - b.updated).count();
    b.tokens = std::min(capacity, b.tokens + elapsed * per_ms);
    b.updated = now;
  }
  if (b.tokens >= 1.0) {
    b.tokens -= 1.0;
    return std::nullopt;
  }
  auto wait = std::chrono::milliseconds(static_cast<long long>((1.0 - b.tokens) / per_ms) + 1);
  return wait;
}

}  // namespace taskhook::http
