// uuids: the canonical text both ways, and the time-ordered version 7 ids of
// task_logs rows.
#include <catch2/catch.hpp>

#include <algorithm>
#include <vector>

#include "core/uuid.hpp"

using taskhook::make_uuid_v7;
using taskhook::uuid;

TEST_CASE("uuid text round-trips and write() matches str()", "[uuid]") {
  auto u = uuid::parse("0123ABCD-4567-89ab-cdef-0123456789AB");
  REQUIRE(u);
  CHECK(u->str() == "0123abcd-4567-89ab-cdef-0123456789ab");
  std::array<char, 36> buf;
  CHECK(u->write(buf) == u->str());
  CHECK_FALSE(uuid::parse("0123abcd-4567-89ab-cdef-0123456789a"));
  CHECK_FALSE(uuid::parse("0123abcd_4567-89ab-cdef-0123456789ab"));
  CHECK(uuid{}.is_nil());
}

TEST_CASE("v7 ids carry the millisecond first and sort by time, then sequence", "[uuid]") {
  std::uint64_t n = 0x9e3779b97f4a7c15ull;
  auto rng = [&n] { return n = n * 6364136223846793005ull + 1442695040888963407ull; };
  // 2026-11-22T11:00:00.000Z
  const std::int64_t ms = 1795258800000;
  auto a = make_uuid_v7(ms, 0, rng);
  // The first 48 bits are the millisecond, big-endian.
  std::uint64_t stamp = 0;
  for (int i = 0; i < 6; ++i) stamp = (stamp << 8) | a.bytes[i];
  CHECK(stamp == static_cast<std::uint64_t>(ms));
  CHECK((a.bytes[6] >> 4) == 7);      // version
  CHECK((a.bytes[8] >> 6) == 0b10);   // RFC 9562 variant

  std::vector<uuid> ids;
  for (std::int64_t t = ms; t < ms + 3; ++t)
    for (std::uint16_t seq = 0; seq < 5; ++seq) ids.push_back(make_uuid_v7(t, seq, rng));
  CHECK(std::is_sorted(ids.begin(), ids.end()));
  CHECK(std::adjacent_find(ids.begin(), ids.end()) == ids.end());
  // Sequence numbers use 12 bits: 4095 still sorts before the next millisecond.
  CHECK(make_uuid_v7(ms, 0x0fff, rng) < make_uuid_v7(ms + 1, 0, rng));
}
