// The shared fire timer on CAF's test coordinator: fires in due order, re-arming
// replaces, cancelling (also with a stale handle) touches nothing else, and
// nothing is sent early.
#include <catch2/catch.hpp>

#include "actors/fixture.hpp"

using namespace taskhook;
using namespace taskhook::test;
using namespace std::chrono_literals;

namespace {

/// Records the generations of the fires it gets.
struct recorder_state {
  std::shared_ptr<std::vector<std::uint64_t>> got;
};

caf::behavior recorder(caf::stateful_actor<recorder_state>* self,
                       std::shared_ptr<std::vector<std::uint64_t>> got) {
  self->state.got = std::move(got);
  return {[self](fire_atom, std::uint32_t generation) { self->state.got->push_back(generation); }};
}

struct timer_fixture : actor_fixture {
  std::shared_ptr<std::vector<std::uint64_t>> a_got = std::make_shared<std::vector<std::uint64_t>>();
  std::shared_ptr<std::vector<std::uint64_t>> b_got = std::make_shared<std::vector<std::uint64_t>>();
  caf::actor a = sys.spawn(recorder, a_got);
  caf::actor b = sys.spawn(recorder, b_got);

  ~timer_fixture() {
    caf::anon_send_exit(a, caf::exit_reason::user_shutdown);
    caf::anon_send_exit(b, caf::exit_reason::user_shutdown);
    run();
  }
  static caf::actor_control_block* ctrl(const caf::actor& x) {
    return caf::actor_cast<caf::actor_control_block*>(x);
  }
};

}  // namespace

TEST_CASE("fires go out in due order, none before its instant", "[fire_timer]") {
  timer_fixture f;
  const instant t0 = f.clock.now();
  f.timer.arm({}, t0 + 2000ms, f.ctrl(f.a), 2);
  f.timer.arm({}, t0 + 1000ms, f.ctrl(f.b), 1);
  f.timer.arm({}, t0 + 1000ms, f.ctrl(f.a), 11);  // same instant: one bucket
  CHECK(f.timer.pending() == 3);
  CHECK(f.timer.next_due() == t0 + 1000ms);

  f.advance_to(t0 + 999ms);
  CHECK(f.a_got->empty());
  CHECK(f.b_got->empty());
  f.advance_to(t0 + 1000ms);
  CHECK(*f.b_got == std::vector<std::uint64_t>{1});
  CHECK(*f.a_got == std::vector<std::uint64_t>{11});
  CHECK(f.timer.pending() == 1);
  f.advance_to(t0 + 5000ms);
  CHECK(*f.a_got == std::vector<std::uint64_t>{11, 2});
  CHECK(f.timer.pending() == 0);
  CHECK_FALSE(f.timer.next_due().has_value());
}

TEST_CASE("re-arming replaces the pending fire; cancel removes only its own", "[fire_timer]") {
  timer_fixture f;
  const instant t0 = f.clock.now();
  auto h = f.timer.arm({}, t0 + 1000ms, f.ctrl(f.a), 1);
  h = f.timer.arm(h, t0 + 3000ms, f.ctrl(f.a), 2);  // the 1 s fire is gone
  auto hb = f.timer.arm({}, t0 + 3000ms, f.ctrl(f.b), 7);
  CHECK(f.timer.pending() == 2);
  f.advance_to(t0 + 2000ms);
  CHECK(f.a_got->empty());

  f.timer.cancel(hb);
  f.timer.cancel(hb);  // twice is harmless
  CHECK(f.timer.pending() == 1);
  f.advance_to(t0 + 3000ms);
  CHECK(*f.a_got == std::vector<std::uint64_t>{2});
  CHECK(f.b_got->empty());

  // `h` fired; its slot is reused by the next arm. The stale handle must not
  // cancel the new fire.
  auto h2 = f.timer.arm({}, t0 + 4000ms, f.ctrl(f.b), 8);
  CHECK(h2.slot == h.slot);
  f.timer.cancel(h);
  f.timer.arm(h, t0 + 9000ms, f.ctrl(f.a), 9);  // a stale `previous` replaces nothing
  CHECK(f.timer.pending() == 2);
  f.advance_to(t0 + 4000ms);
  CHECK(*f.b_got == std::vector<std::uint64_t>{8});
}

TEST_CASE("a target that is on its way out gets nothing", "[fire_timer]") {
  timer_fixture f;
  const instant t0 = f.clock.now();
  // Keep the control block alive (as an actor's own state would until it
  // cancels) while the actor itself is gone.
  caf::weak_actor_ptr weak = caf::actor_cast<caf::weak_actor_ptr>(f.a);
  f.timer.arm({}, t0 + 1000ms, f.ctrl(f.a), 1);
  caf::anon_send_exit(f.a, caf::exit_reason::user_shutdown);
  f.run();
  f.a = nullptr;  // the last strong reference
  f.advance_to(t0 + 1000ms);
  CHECK(f.a_got->empty());
  CHECK(f.timer.pending() == 0);
}
