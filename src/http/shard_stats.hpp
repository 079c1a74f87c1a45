#pragma once
/// Internal to src/http (it includes api.hpp): the counters of every
/// supervisor shard, gathered for /metrics and the admin snapshot.

#include <algorithm>
#include <cstddef>
#include <memory>
#include <optional>
#include <vector>

#include "http/api.hpp"

namespace taskhook::http {

/// Each shard's counters at its own index; empty where the shard did not answer.
using shard_stats = std::vector<std::optional<supervisor_stats>>;

inline std::size_t answered(const shard_stats& shards) {
  return static_cast<std::size_t>(
      std::count_if(shards.begin(), shards.end(), [](const auto& s) { return s.has_value(); }));
}

/// Asks every supervisor shard for its counters, then calls `done` with them.
template <class Done>
void with_shard_stats(api& a, const writer_ptr& w, Done done) {
  spawn_replying(a.sys, w, [&a, done](caf::event_based_actor* self) {
    // By index, not in the order the answers come: the labels name the shard.
    auto results = std::make_shared<shard_stats>(a.tasks.shards().size());
    auto remaining = std::make_shared<std::size_t>(a.tasks.shards().size());
    for (std::size_t i = 0; i < a.tasks.shards().size(); ++i)
      self->request(a.tasks.shards()[i], actor_timeout, stats_atom::value)
          .then(
              [results, remaining, done, i](supervisor_stats& s) {
                (*results)[i] = s;
                if (--*remaining == 0) done(*results);
              },
              [results, remaining, done](caf::error&) {
                if (--*remaining == 0) done(*results);
              });
  });
}

}  // namespace taskhook::http
