// What the API writes is valid JSON (and so valid UTF-8) whatever bytes came in,
// and what it reads from a query is named when it cannot be used.
#include <catch2/catch.hpp>

#include <map>
#include <optional>
#include <string>

#include <simdjson.h>

#include "http/codec.hpp"
#include "http/json.hpp"

using taskhook::http::append_json_string;
using taskhook::http::query_reader;
using taskhook::http::tenant_name;

namespace {

std::string json_string(std::string_view s) {
  std::string out;
  append_json_string(out, s);
  return out;
}

/// The JSON text parses, and the string in it.
std::string reparsed(const std::string& text) {
  simdjson::dom::parser parser;
  std::string_view v;
  REQUIRE(parser.parse(text).get_string().get(v) == simdjson::SUCCESS);
  return std::string(v);
}

query_reader reader(std::map<std::string, std::string> values) {
  return query_reader([values](const char* name) -> std::optional<std::string> {
    auto it = values.find(name);
    if (it == values.end()) return std::nullopt;
    return it->second;
  });
}

}  // namespace

TEST_CASE("JSON strings keep valid UTF-8 and replace every malformed sequence", "[codec]") {
  CHECK(reparsed(json_string("caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80")) ==
        "caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80");
  const std::string replacement = "\xEF\xBF\xBD";
  CHECK(reparsed(json_string("a\xFF" "b")) == "a" + replacement + "b");
  CHECK(reparsed(json_string("\x80")) == replacement);                    // stray continuation
  CHECK(reparsed(json_string("\xC0\x80")) == replacement + replacement);  // overlong NUL
  CHECK(reparsed(json_string("\xE0\x80\xAF")) == replacement + replacement + replacement);
  CHECK(reparsed(json_string("\xED\xA0\x80")) == replacement + replacement + replacement);  // surrogate
  CHECK(reparsed(json_string("\xF4\x90\x80\x80")).find("\xF4") == std::string::npos);  // > U+10FFFF
  CHECK(reparsed(json_string("\xE2\x82")) == replacement + replacement);  // cut short
  CHECK(reparsed(json_string(std::string("nul\0x", 5))) == std::string("nul\0x", 5));
  CHECK(json_string("q\"\\\n") == R"("q\"\\\n")");
}

TEST_CASE("query values that are not UTF-8 text are refused by name", "[codec]") {
  auto q = reader({{"search", "\xFF"}, {"page", std::string("1\0", 2)}, {"from", "2026-01-01T00:00:00Z"}});
  CHECK_FALSE(q.text("search", 200));
  CHECK(q.integer("page", 1, 1, 100) == 1);
  CHECK(q.time("from").has_value());
  REQUIRE(q.errors().size() == 2);
  CHECK(q.errors()[0].field == "search");
  CHECK(q.errors()[0].message ==
        "expected UTF-8 text without NUL characters (after percent-decoding)");
  CHECK(q.errors()[1].field == "page");
}

TEST_CASE("query errors quote at most 64 characters of the value", "[codec]") {
  auto q = reader({{"page", std::string(70, '7')}, {"limit", "\xC3\xA9x"}});
  q.integer("page", 1, 1, 100);
  q.integer("limit", 20, 1, 100);
  REQUIRE(q.errors().size() == 2);
  CHECK(q.errors()[0].message == "\"" + std::string(64, '7') + "…\" is not an integer 1-100");
  CHECK(q.errors()[1].message == "\"\xC3\xA9x\" is not an integer 1-100");
}

TEST_CASE("query errors show control characters as escapes, on one line", "[codec]") {
  auto q = reader({{"page", "1\n2\x1b[31m"}});
  q.integer("page", 1, 1, 100);
  REQUIRE(q.errors().size() == 1);
  CHECK(q.errors()[0].message == "\"1\\x0a2\\x1b[31m\" is not an integer 1-100");
}

TEST_CASE("times outside the years 0001-9999 are refused", "[codec]") {
  auto q = reader({{"from", "0000-12-31T00:00:00Z"}, {"to", "0001-01-01T00:30:00+01:00"}});
  CHECK_FALSE(q.time("from"));
  CHECK_FALSE(q.time("to"));
  REQUIRE(q.errors().size() == 2);
  CHECK(q.errors()[0].message ==
        "\"0000-12-31T00:00:00Z\" is not an ISO-8601 time with Z or an offset, in the years "
        "0001-9999");
}

TEST_CASE("a tenant name with a NUL character is refused, not cut short", "[codec]") {
  auto r = tenant_name(R"({"name":"ab\u0000cd"})");
  CHECK_FALSE(r);
  CHECK_FALSE(r.malformed);
  CHECK(r.error == "contains a NUL character (\\u0000), which cannot be stored");
  CHECK(tenant_name(R"({"name":"acme"})").value == "acme");
}
