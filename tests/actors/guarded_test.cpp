// spawn_guarded: what the HTTP bridge relies on to answer 500 when a request's
// actor throws, instead of leaving the client waiting.
#include <catch2/catch.hpp>

#include <stdexcept>

#include "actors/fixture.hpp"
#include "actors/guarded.hpp"

using namespace taskhook;
using namespace taskhook::test;

namespace {

caf::actor spawn_adder(caf::actor_system& sys) {
  return sys.spawn([]() -> caf::behavior { return {[](int x) { return x + 1; }}; });
}

}  // namespace

TEST_CASE("an exception in a continuation reaches the handler with its message", "[guarded]") {
  actor_fixture f;
  auto adder = spawn_adder(f.sys);
  std::vector<std::string> seen;
  int got = 0;
  spawn_guarded(
      f.sys, [&seen](const std::string& what) { seen.push_back(what); },
      [adder, &got](caf::event_based_actor* self) {
        self->request(adder, caf::infinite, 41).then([&got](int r) {
          got = r;
          throw std::runtime_error("the answer could not be encoded");
        });
      });
  f.run();
  CHECK(got == 42);  // the continuation ran, then threw
  REQUIRE(seen.size() == 1);
  CHECK(seen[0] == "the answer could not be encoded");
  caf::anon_send_exit(adder, caf::exit_reason::user_shutdown);
  f.run();
}

TEST_CASE("an exception while sending the requests reaches the handler", "[guarded]") {
  actor_fixture f;
  std::vector<std::string> seen;
  spawn_guarded(
      f.sys, [&seen](const std::string& what) { seen.push_back(what); },
      [](caf::event_based_actor*) { throw std::invalid_argument("bad id"); });
  f.run();
  REQUIRE(seen.size() == 1);
  CHECK(seen[0] == "bad id");
}

TEST_CASE("without an exception the handler is not called", "[guarded]") {
  actor_fixture f;
  auto adder = spawn_adder(f.sys);
  std::vector<std::string> seen;
  int got = 0;
  spawn_guarded(
      f.sys, [&seen](const std::string& what) { seen.push_back(what); },
      [adder, &got](caf::event_based_actor* self) {
        self->request(adder, caf::infinite, 1).then([&got](int r) { got = r; });
      });
  f.run();
  CHECK(got == 2);
  CHECK(seen.empty());
  caf::anon_send_exit(adder, caf::exit_reason::user_shutdown);
  f.run();
}
