#pragma once
/// What the actors need from persistence. src/db implements it over libpq;
/// actor tests use an in-memory fake. Calls block: only the db_actor, which runs
/// on its own thread, makes them.

namespace taskhook {

class store {
 public:
  virtual ~store() = default;

  /// True when the database answers a trivial query; reconnects first if the
  /// connection was lost.
  virtual bool ping() = 0;
};

}  // namespace taskhook
