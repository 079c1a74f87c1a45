#pragma once
/// A value or an error message, for pure code that must not throw (C++20 has no
/// std::expected). The message is meant for the user: it names the field and
/// says what was expected.

#include <string>
#include <utility>
#include <variant>

namespace taskhook {

/// An error with a user-facing message.
struct error {
  std::string message;
};

template <class T>
class expected {
 public:
  expected(T value) : v_(std::in_place_index<0>, std::move(value)) {}
  expected(error err) : v_(std::in_place_index<1>, std::move(err)) {}

  bool has_value() const noexcept { return v_.index() == 0; }
  explicit operator bool() const noexcept { return has_value(); }

  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  const std::string& error_message() const { return std::get<1>(v_).message; }
  const taskhook::error& get_error() const { return std::get<1>(v_); }

 private:
  std::variant<T, taskhook::error> v_;
};

}  // namespace taskhook
