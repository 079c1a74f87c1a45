// PostgreSQL array literals as the db batch builds them.
#include <catch2/catch.hpp>

#include "db/pg_array.hpp"

using taskhook::db::pg_array;

TEST_CASE("array literals quote every element and escape quotes and backslashes", "[pg_array]") {
  pg_array a;
  CHECK(a.str() == "{}");
  a.add("plain");
  a.add("");
  a.add_null();
  a.add(R"(say "hi")");
  a.add(R"(C:\dir\)");
  a.add(R"("\)");
  a.add("{braces}, commas");
  CHECK(a.str() ==
        R"({"plain","",NULL,"say \"hi\"","C:\\dir\\","\"\\","{braces}, commas"})");
}
