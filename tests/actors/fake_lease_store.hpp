#pragma once
/// The partition leases of one database, in memory, for the lease actor's
/// tests: the rules of src/db/cluster_store.cpp's statements (renew only what
/// is listed, claim free first and then by partition, each claim raising the
/// epoch and naming the previous owner), a database clock the test can move
/// apart from the node's, other nodes' leases and liveness set by hand, and a
/// switch that makes the database unreachable. Every call is recorded.

#include <algorithm>
#include <array>
#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.hpp"
#include "core/ports/lease_store.hpp"

namespace taskhook::test {

class fake_lease_store final : public lease_store {
 public:
  /// One row of partition_leases.
  struct lease_row {
    std::optional<uuid> owner;
    std::int64_t epoch = 0;
    std::optional<instant> expires;
  };

  explicit fake_lease_store(const wall_clock& clock) : clock_(clock) {}

  // -- what the test scripts ---------------------------------------------------

  bool available = true;             ///< false: every call fails as if PostgreSQL were away
  std::chrono::milliseconds skew{0};  ///< the database's clock minus the node's wall clock
  int other_live_nodes = 0;          ///< nodes with a recent heartbeat besides the caller
  std::array<lease_row, cluster::partition_count> leases{};
  std::vector<task_record> tasks;  ///< every ACTIVE task, partition set
  struct queued_run {
    run_request req;
    int partition = 0;
  };
  std::vector<queued_run> run_requests;
  /// Runs inside release(), before the rows change: lets a test look at the
  /// rest of the node at that moment.
  std::function<void(const std::vector<int>&)> on_release;

  // -- what the test reads -----------------------------------------------------

  struct node_row {
    uuid id;
    std::string name;
  };
  std::vector<node_row> node_rows;  ///< registered, not yet left
  int renew_calls = 0;
  std::vector<std::vector<int>> renewed_lists;  ///< the partitions each renewal listed
  std::vector<int> claim_counts;                ///< `count` of each claim
  std::vector<std::vector<int>> releases;       ///< the partitions of each release
  int leaves = 0;
  int load_calls = 0;
  std::vector<std::string> calls;  ///< renew, claim, release, leave, load, runs: in order

  instant db_now() const { return clock_.now() + skew; }

  /// Another node holds `partition` under `epoch` until `expires` (database time).
  void give(int partition, const uuid& owner, std::int64_t epoch, instant expires) {
    leases[partition] = {owner, epoch, expires};
  }

  // -- lease_store ---------------------------------------------------------------

  expected<bool> register_node(const uuid& node, const std::string& name) override {
    if (!available) return error{"connection refused"};
    node_rows.push_back({node, name});
    return true;
  }

  expected<renewal> renew(const uuid& node, const std::vector<held_lease>& held,
                          std::chrono::milliseconds lease) override {
    calls.push_back("renew");
    ++renew_calls;
    if (!available) return error{"connection refused"};
    renewal out;
    std::vector<int> listed;
    for (const auto& h : held) {
      listed.push_back(h.partition);
      auto& row = leases[h.partition];
      if (row.owner != node) continue;
      row.expires = db_now() + lease;
      out.renewed.push_back({h.partition, row.epoch});
    }
    renewed_lists.push_back(std::move(listed));
    out.live_nodes = other_live_nodes + 1;
    return out;
  }

  expected<std::vector<claimed_lease>> claim(const uuid& node, int count,
                                             const cluster::partition_set& held,
                                             std::chrono::milliseconds lease) override {
    calls.push_back("claim");
    claim_counts.push_back(count);
    if (!available) return error{"connection refused"};
    const instant now = db_now();
    std::vector<int> free, others;
    for (int p = 0; p < cluster::partition_count; ++p) {
      const auto& row = leases[p];
      if (!row.owner)
        free.push_back(p);
      else if ((row.expires && *row.expires < now) || (*row.owner == node && !held[p]))
        others.push_back(p);
    }
    // ORDER BY owner IS NULL DESC, partition
    free.insert(free.end(), others.begin(), others.end());
    std::vector<claimed_lease> out;
    for (int p : free) {
      if (static_cast<int>(out.size()) >= count) break;
      auto& row = leases[p];
      claimed_lease c{p, row.epoch + 1, row.owner};
      row = {node, row.epoch + 1, now + lease};
      out.push_back(c);
    }
    return out;
  }

  expected<bool> release(const uuid& node, const std::vector<int>& partitions) override {
    calls.push_back("release");
    if (!available) return error{"connection refused"};
    if (on_release) on_release(partitions);
    releases.push_back(partitions);
    for (int p : partitions)
      if (leases[p].owner == node) {
        leases[p].owner.reset();
        leases[p].expires.reset();
      }
    return true;
  }

  expected<bool> leave(const uuid& node) override {
    calls.push_back("leave");
    if (!available) return error{"connection refused"};
    ++leaves;
    std::erase_if(node_rows, [&](const node_row& n) { return n.id == node; });
    return true;
  }

  expected<std::vector<task_record>> load_partitions(const cluster::partition_set& partitions,
                                                     const uuid& after,
                                                     std::uint32_t limit) override {
    calls.push_back("load");
    ++load_calls;
    if (!available) return error{"connection refused"};
    std::vector<task_record> out;
    for (const auto& t : tasks)
      if (t.partition >= 0 && partitions[t.partition] && after < t.id) out.push_back(t);
    std::sort(out.begin(), out.end(),
              [](const task_record& a, const task_record& b) { return a.id < b.id; });
    if (out.size() > limit) out.resize(limit);
    return out;
  }

  expected<std::vector<run_request>> take_run_requests(const cluster::partition_set& partitions,
                                                       std::uint32_t limit) override {
    calls.push_back("runs");
    if (!available) return error{"connection refused"};
    std::vector<run_request> out;
    std::vector<queued_run> left;
    for (auto& q : run_requests) {
      if (partitions[q.partition] && out.size() < limit)
        out.push_back(q.req);
      else
        left.push_back(q);
    }
    run_requests = std::move(left);
    return out;
  }

  expected<std::vector<node_view>> nodes(std::chrono::milliseconds) override {
    if (!available) return error{"connection refused"};
    const instant now = db_now();
    std::vector<node_view> out;
    for (const auto& row : node_rows) {
      node_view n;
      n.id = row.id;
      n.name = row.name;
      n.live = true;
      for (int p = 0; p < cluster::partition_count; ++p)
        if (leases[p].owner == row.id && leases[p].expires && *leases[p].expires > now)
          n.partitions.push_back(p);
      out.push_back(std::move(n));
    }
    return out;
  }

 private:
  const wall_clock& clock_;
};

}  // namespace taskhook::test
