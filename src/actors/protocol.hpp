#pragma once
/// Every atom, message type and actor interface of taskhook, in one place.
/// Reading this file tells you how the actors talk to each other.
///
/// Include it only from .cpp files: it pulls in CAF.

#include <caf/all.hpp>

#include <cstdint>
#include <optional>
#include <vector>

#include "core/cluster/lease_plan.hpp"
#include "core/delivery.hpp"
#include "core/read_models.hpp"
#include "core/task.hpp"
#include "core/task_input.hpp"
#include "core/uuid.hpp"

namespace taskhook {

// -- atoms (at most 10 characters each) ---------------------------------------

/// db_actor: is the database reachable?
using ping_atom = caf::atom_constant<caf::atom("ping")>;
/// Finish what is in flight, write what is pending, then quit.
using drain_atom = caf::atom_constant<caf::atom("drain")>;
/// INTERNAL task_actor timer: the scheduled fire of a generation is due.
using fire_atom = caf::atom_constant<caf::atom("fire")>;
/// INTERNAL task_actor timer: the next attempt of a run is due.
using retry_atom = caf::atom_constant<caf::atom("retry")>;
/// Fire a task once now, outside its schedule (trigger `manual`).
using run_now_atom = caf::atom_constant<caf::atom("run_now")>;
/// Read state: a task actor's snapshot.
using get_atom = caf::atom_constant<caf::atom("get")>;
/// INTERNAL db_actor timer: write what has been batched.
using flush_atom = caf::atom_constant<caf::atom("flush")>;
/// db_actor: the next page of ACTIVE tasks, in id order.
using load_atom = caf::atom_constant<caf::atom("load")>;
/// supervisor: spawn a task's actor, or replace it with one for the new definition.
using upsert_atom = caf::atom_constant<caf::atom("upsert")>;
/// supervisor: stop a task's actor (toggled off, deleted, failed).
using remove_atom = caf::atom_constant<caf::atom("remove")>;
/// supervisor: counters for metrics and the admin snapshot.
using stats_atom = caf::atom_constant<caf::atom("stats")>;
/// supervisor: the actor handle of a task (admin and tests).
using lookup_atom = caf::atom_constant<caf::atom("lookup")>;
/// db_actor: insert a task.
using create_atom = caf::atom_constant<caf::atom("create")>;
/// db_actor: apply a validated patch to a task.
using patch_atom = caf::atom_constant<caf::atom("patch")>;
/// db_actor: flip a task between ACTIVE and INACTIVE (FAILED → ACTIVE).
using toggle_atom = caf::atom_constant<caf::atom("toggle")>;
/// db_actor: soft-delete a task.
using delete_atom = caf::atom_constant<caf::atom("delete")>;
/// db_actor: create a tenant with its key; reader: list tenants.
using tenants_atom = caf::atom_constant<caf::atom("tenants")>;
/// reader: a page of tasks.
using list_atom = caf::atom_constant<caf::atom("list")>;
/// reader: one task with its newest logs.
using detail_atom = caf::atom_constant<caf::atom("detail")>;
/// reader: a page of task_logs rows.
using logs_atom = caf::atom_constant<caf::atom("logs")>;
/// reader: every API key hash that is not revoked.
using keys_atom = caf::atom_constant<caf::atom("keys")>;
/// reader: the slowest and most-retrying tasks (admin snapshot).
using rank_atom = caf::atom_constant<caf::atom("rank")>;
/// A task actor ended (sent by the exit functor its supervisor attached).
using exited_atom = caf::atom_constant<caf::atom("exited")>;
/// db_actor: write everything queued so far, then answer (a handover waits
/// for its partitions' rows to land before it releases them).
using sync_atom = caf::atom_constant<caf::atom("sync")>;
/// supervisor: stop the task actors of some partitions (lost or handed over).
using disarm_atom = caf::atom_constant<caf::atom("disarm")>;
/// lease actor: a renewal tick is due (INTERNAL), or come now (a release).
using tick_atom = caf::atom_constant<caf::atom("tick")>;
/// lease actor: the partitions this node holds.
using leases_atom = caf::atom_constant<caf::atom("leases")>;
/// lease actor: every node of the cluster, as the database has them.
using cluster_atom = caf::atom_constant<caf::atom("cluster")>;

// -- messages -----------------------------------------------------------------

/// How a task actor computes its first fire.
/// What a task actor runs from (actors/task_actor.hpp).
struct task_def;

enum class start_mode : std::uint8_t {
  fresh,   ///< created or changed: the first fire after now
  resume,  ///< loaded at start or at a partition claim: misfire policy on next_run_at
  /// Changed through another node (or heard again after a reconnect): as
  /// fresh, but ignored when this shard already applied that revision.
  announced,
};

/// What a task actor knows about itself; answers reads without the database.
struct task_snapshot {
  std::optional<instant> next_run_at;   ///< as the actor has it (ahead of the row)
  std::optional<instant> last_run_at;
  bool in_flight = false;               ///< a run is being delivered or retried
  int attempt = 0;                      ///< retry_count of the current attempt
  std::optional<instant> run_scheduled_for;
  std::uint64_t runs = 0;               ///< runs started by this actor
};

/// Supervisor counters.
struct supervisor_stats {
  std::uint64_t actors = 0;
  std::uint64_t mailbox = 0;  ///< messages waiting, sampled when asked
  std::uint64_t restarts = 0;
  std::uint64_t give_ups = 0;
};

// -- actor interfaces ---------------------------------------------------------

/// The single writer. Attempt rows and task progress are batched, written in
/// message order, and kept in memory (bounded) while the database is away.
using db_actor_type = caf::typed_actor<
    /// Is the database reachable now?
    caf::replies_to<ping_atom>::with<bool>,
    /// One task_logs row.
    caf::reacts_to<attempt_row>,
    /// A change to a task's next/last run or status.
    caf::reacts_to<task_progress>,
    /// INTERNAL: write the batch.
    caf::reacts_to<flush_atom>,
    /// ACTIVE tasks with id > after (nil: from the start), at most `limit`.
    caf::replies_to<load_atom, uuid, std::uint32_t>::with<std::vector<task_record>>,
    /// Insert a task (durable before the reply).
    caf::replies_to<create_atom, task_record, instant>::with<task_record>,
    /// Patch tenant's task id (error no_such_task).
    caf::replies_to<patch_atom, uuid, uuid, task_input, instant>::with<task_record>,
    /// Toggle tenant's task id (error no_such_task).
    caf::replies_to<toggle_atom, uuid, uuid, instant>::with<task_record>,
    /// Soft-delete tenant's task id: the revision that did it (error no_such_task).
    caf::replies_to<delete_atom, uuid, uuid>::with<std::int64_t>,
    /// Create a tenant owning one key, given as its hash.
    caf::replies_to<tenants_atom, std::string, key_hash>::with<tenant_info>,
    /// Record a run-now request for the node that holds the task's partition.
    caf::replies_to<run_now_atom, uuid, uuid, std::int16_t, instant>::with<bool>,
    /// Write everything queued so far: true once written, false when the
    /// database refused it or is away (the rows stay pending).
    caf::replies_to<sync_atom>::with<bool>,
    /// Write everything pending (retrying while the database is away), then quit.
    caf::replies_to<drain_atom>::with<bool>>;

/// Serves REST reads on a connection of its own, so reads never queue behind
/// writes. Several run side by side.
using reader_actor_type = caf::typed_actor<
    /// Is the database reachable now?
    caf::replies_to<ping_atom>::with<bool>,
    caf::replies_to<list_atom, task_query>::with<task_page>,
    /// Tenant's task id with its 20 newest logs (error no_such_task).
    caf::replies_to<detail_atom, uuid, uuid>::with<task_detail>,
    caf::replies_to<logs_atom, log_query>::with<log_page>,
    caf::replies_to<stats_atom, uuid, instant>::with<dashboard_stats>,
    /// A page of tenants (page, limit).
    caf::replies_to<tenants_atom, int, int>::with<tenant_page>,
    caf::replies_to<keys_atom>::with<std::vector<api_key_entry>>,
    /// The n slowest and most-retrying tasks since a time, all tenants.
    caf::replies_to<rank_atom, instant, int>::with<task_rankings>>;

/// One per ACTIVE task: owns its schedule, its next fire and its run in progress.
using task_actor_type = caf::typed_actor<
    /// INTERNAL: the fire timer of generation N.
    caf::reacts_to<fire_atom, std::uint32_t>,
    /// INTERNAL: the retry timer of run N.
    caf::reacts_to<retry_atom, std::uint64_t>,
    /// The outcome of an attempt, from the delivery sink.
    caf::reacts_to<delivery_result>,
    /// Fire once now for this tenant; answers the run's scheduled_for (error
    /// no_such_task when the task is another tenant's).
    caf::replies_to<run_now_atom, uuid>::with<instant>,
    /// The actor's view of its task.
    caf::replies_to<get_atom>::with<task_snapshot>,
    /// Stop firing, let the attempt in flight finish and be recorded, then
    /// quit. No answer: whoever needs to know watches the actor end (or the
    /// in-flight gauge, as drain_router does).
    caf::reacts_to<drain_atom>>;

/// Carries out the API's changes to tasks: durable first, then the task's
/// actor, then the answer (actors/task_changes.hpp). One message per change.
using task_changes_type = caf::typed_actor<
    /// Create a task for tenant from a validated body: the stored task.
    caf::replies_to<create_atom, uuid, task_input, instant>::with<task_record>,
    /// Patch tenant's task id (error no_such_task).
    caf::replies_to<patch_atom, uuid, uuid, task_input, instant>::with<task_record>,
    /// Toggle tenant's task id (error no_such_task).
    caf::replies_to<toggle_atom, uuid, uuid, instant>::with<task_record>,
    /// Soft-delete tenant's task id; its actor stops (error no_such_task).
    caf::replies_to<delete_atom, uuid, uuid>::with<bool>,
    /// Fire tenant's task id once now: the run's scheduled_for (error
    /// no_such_task, or not_active when the task is not ACTIVE).
    caf::replies_to<run_now_atom, uuid, uuid>::with<instant>>;

/// Spawns, routes to, monitors and restarts task actors (one shard of them).
using supervisor_type = caf::typed_actor<
    /// Spawn or replace the actor of an ACTIVE task; any other status stops it.
    /// A change older than the task's last one (its revision) is ignored: two
    /// API changes may reach the shard in either order.
    caf::replies_to<upsert_atom, task_record, start_mode>::with<bool>,
    /// Stop the task's actor (after its attempt in flight is recorded): deleted
    /// at this revision. Ignored when a newer change of the task came first.
    caf::replies_to<remove_atom, uuid, std::int64_t>::with<bool>,
    /// Fire tenant's task once now (error no_such_task when it has no actor).
    caf::replies_to<run_now_atom, uuid, uuid>::with<instant>,
    /// The task actor's snapshot (error no_such_task when it has no actor).
    caf::replies_to<get_atom, uuid>::with<task_snapshot>,
    /// The task actor's handle (error no_such_task when it has no actor).
    caf::replies_to<lookup_atom, uuid>::with<task_actor_type>,
    /// Counters.
    caf::replies_to<stats_atom>::with<supervisor_stats>,
    /// Stop the task actors of these partitions; answers once every one has
    /// ended (its attempt in flight recorded, its rows on their way to the
    /// db_actor): how many there were.
    caf::replies_to<disarm_atom, cluster::partition_set>::with<std::uint64_t>,
    /// Tell every task actor to drain (finish its attempt in flight), then quit.
    caf::replies_to<drain_atom>::with<bool>,
    /// The actor `aid` running `def` ended with `reason` (none: it quit by
    /// itself, failed for good): restart it if it crashed. From the actor.
    caf::reacts_to<exited_atom, std::shared_ptr<const task_def>, caf::actor_id, caf::error>>;

// -- errors -------------------------------------------------------------------

/// Errors the actors answer with.
enum class actor_error : std::uint8_t {
  no_such_task = 1,  ///< no actor for that task (not ACTIVE, deleted, or unknown)
  draining,          ///< shutting down: no new runs
  database,          ///< the database failed the request (message in the context)
  not_active,        ///< the task exists but is not ACTIVE (its status in the context)
};

/// The actor_error in `err`, if it is one of ours.
std::optional<actor_error> our_error(const caf::error& err);

caf::error make_error(actor_error e, std::string context = {});

/// The text given to make_error, if any.
std::string error_context(const caf::error& err);

}  // namespace taskhook

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(taskhook::uuid)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(taskhook::cluster::partition_set)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(std::shared_ptr<const taskhook::task_def>)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(taskhook::instant)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(taskhook::attempt_row)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(taskhook::task_progress)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(taskhook::task_record)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(std::vector<taskhook::task_record>)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(taskhook::delivery_result)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(taskhook::task_snapshot)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(taskhook::supervisor_stats)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(taskhook::start_mode)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(taskhook::task_input)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(taskhook::task_query)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(taskhook::log_query)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(taskhook::task_page)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(taskhook::log_page)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(taskhook::task_detail)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(taskhook::dashboard_stats)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(taskhook::tenant_info)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(taskhook::tenant_page)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(taskhook::key_hash)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(std::vector<taskhook::api_key_entry>)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(taskhook::task_rankings)
