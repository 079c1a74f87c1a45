// docs/openapi.yaml checked by an independent validator (swagger-parser, from
// npm), then real responses of the running binary checked against its schemas.
#include <catch2/catch.hpp>

#include "e2e/service.hpp"

using namespace taskhook::test;

TEST_CASE("docs/openapi.yaml is valid and the live API matches its schemas", "[openapi]") {
  service svc(std::map<std::string, std::string>{{"MAX_BODY_BYTES", "8192"}});
  REQUIRE(svc.ready());
  auto r = run_command({"/usr/bin/env", "node", TASKHOOK_SOURCE_DIR "/tests/openapi/validate.mjs"},
                       {{"TASKHOOK_URL", svc.url("")},
                        {"TASKHOOK_API_KEY", admin_key},
                        {"TASKHOOK_MAX_BODY_BYTES", "8192"}},
                       std::chrono::seconds(120));
  INFO(r.out);
  CHECK(r.exit_code == 0);
  CHECK(r.out.find(" 0 failed") != std::string::npos);
}
