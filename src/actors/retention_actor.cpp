#include "actors/retention_actor.hpp"

#include <spdlog/spdlog.h>

#include "actors/protocol.hpp"

namespace taskhook {
namespace {

/// INTERNAL: run one batch of the current sweep (or start a sweep).
using prune_atom = caf::atom_constant<caf::atom("prune")>;

caf::behavior retention(caf::event_based_actor* self, std::shared_ptr<log_pruner> pruner,
                        const wall_clock* clock, runtime_metrics* metrics, retention_options opts) {
  self->send(self, prune_atom::value);
  return {
      [=](prune_atom) {
        auto cutoff = clock->now() - opts.keep;
        auto removed = pruner->prune(cutoff, opts.batch);
        if (!removed) {
          if (auto log = spdlog::get("db")) log->warn("retention: {}", removed.error_message());
          self->delayed_send(self, opts.period, prune_atom::value);
          return;
        }
        if (metrics) metrics->db.rows_pruned.fetch_add(*removed, std::memory_order_relaxed);
        // A full batch means there is more: continue after a pause.
        self->delayed_send(self, *removed >= opts.batch ? opts.pause : opts.period,
                           prune_atom::value);
      },
  };
}

}  // namespace

caf::actor spawn_retention(caf::actor_system& sys, std::shared_ptr<log_pruner> pruner,
                           const wall_clock& clock, runtime_metrics* metrics,
                           retention_options opts, bool detached) {
  if (detached) return sys.spawn<caf::detached>(retention, std::move(pruner), &clock, metrics, opts);
  return sys.spawn(retention, std::move(pruner), &clock, metrics, opts);
}

}  // namespace taskhook
