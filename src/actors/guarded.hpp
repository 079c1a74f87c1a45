#pragma once
/// Short-lived actors whose exceptions are somebody's business: an exception
/// out of their start or out of a continuation of their requests calls a
/// handler (the HTTP bridge answers 500) instead of ending the actor with only
/// CAF's default line on stdout.

#include <caf/all.hpp>

#include <exception>
#include <string>
#include <utility>

namespace taskhook {

/// The message of the exception `x` holds.
inline std::string exception_message(const std::exception_ptr& x) {
  try {
    std::rethrow_exception(x);
  } catch (const std::exception& e) {
    return e.what();
  } catch (...) {
    return "unknown exception";
  }
}

/// Spawns an event-based actor that runs `init(self)` (which sends its
/// requests). If `init` or a continuation throws, `on_exception(message)` runs
/// on the actor's thread and the actor ends with the message as its reason.
template <class OnException, class Init>
caf::actor spawn_guarded(caf::actor_system& sys, OnException on_exception, Init init) {
  return sys.spawn([on_exception = std::move(on_exception),
                    init = std::move(init)](caf::event_based_actor* self) mutable {
    self->set_exception_handler(caf::scheduled_actor::exception_handler{
        [on_exception](caf::scheduled_actor*, std::exception_ptr& x) -> caf::error {
          std::string what = exception_message(x);
          on_exception(what);
          return caf::make_error(caf::sec::runtime_error, std::move(what));
        }});
    init(self);
  });
}

}  // namespace taskhook
