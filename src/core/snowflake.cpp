#include "core/snowflake.hpp"

namespace taskhook {

bool is_snowflake(std::string_view s) {
  if (s.empty() || s.size() > 20 || s.front() == '0') return false;
  for (char c : s)
    if (c < '0' || c > '9') return false;
  // 20 digits may pass 2^64 - 1.
  return s.size() < 20 || s <= "18446744073709551615";
}

}  // namespace taskhook
