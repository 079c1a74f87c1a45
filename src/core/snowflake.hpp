#pragma once
/// Discord ids ("snowflakes") as the API takes them: threads, roles, users.

#include <string_view>

namespace taskhook {

/// A snowflake as Discord writes one in JSON: a string of decimal digits, no
/// sign, no leading zero, at most 2^64 - 1.
bool is_snowflake(std::string_view s);

/// What is_snowflake wants, for messages.
inline constexpr std::string_view snowflake_expected =
    "a Discord id: a string of digits such as \"1234567890123456789\"";

}  // namespace taskhook
