// What one CAF 0.17 actor costs in resident memory before taskhook adds
// anything: N stateful actors with a small state, with and without a pending
// delayed message each (a task actor always has one: its next fire).
// Prints bytes per actor for 1 and 6 message handlers.
//
//   build/bench/actor_floor [N]
#include <caf/all.hpp>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

namespace {

using tick_atom = caf::atom_constant<caf::atom("tick")>;

struct small_state {
  char bytes[64];
};

long resident_bytes() {
  std::ifstream f("/proc/self/statm");
  long size = 0, resident = 0;
  f >> size >> resident;
  return resident * 4096;
}

/// Actors stay alive until the end, so no measurement reuses another's memory.
std::vector<caf::actor> all_actors;

template <class Make>
long per_actor(caf::actor_system& sys, int n, Make make) {
  all_actors.reserve(all_actors.size() + static_cast<std::size_t>(n));
  long before = resident_bytes();
  for (int i = 0; i < n; ++i) all_actors.push_back(sys.spawn(make));
  long after = resident_bytes();
  return (after - before) / n;
}

}  // namespace

int main(int argc, char** argv) {
  const int n = argc > 1 ? std::atoi(argv[1]) : 100000;
  caf::actor_system_config cfg;
  caf::actor_system sys{cfg};
  auto one = [](bool timer) {
    return [timer](caf::stateful_actor<small_state>* self) -> caf::behavior {
      if (timer) self->delayed_send(self, std::chrono::hours(1), tick_atom::value);
      return {[](tick_atom) {}};
    };
  };
  auto six = [](bool timer) {
    return [timer](caf::stateful_actor<small_state>* self) -> caf::behavior {
      if (timer) self->delayed_send(self, std::chrono::hours(1), tick_atom::value);
      return {[](tick_atom) {}, [](int) {},  [](double) {},
              [](std::string) {}, [](char) {}, [](float) {}};
    };
  };
  std::printf("actors=%d one_handler=%ld one_handler_timer=%ld six_handlers=%ld "
              "six_handlers_timer=%ld (bytes per actor)\n",
              n, per_actor(sys, n, one(false)), per_actor(sys, n, one(true)),
              per_actor(sys, n, six(false)), per_actor(sys, n, six(true)));
  for (auto& a : all_actors) caf::anon_send_exit(a, caf::exit_reason::kill);
}
