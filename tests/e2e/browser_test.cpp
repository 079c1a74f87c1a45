// The operator dashboard in headless Chromium (Debian's, driven by
// playwright-core from npm): log in, see tasks and a chart, toggle, run.
#include <catch2/catch.hpp>

#include "e2e/browser_script.hpp"
#include "e2e/service.hpp"

using namespace taskhook::test;

TEST_CASE("the dashboard works in a real browser", "[browser]") {
  service svc;
  REQUIRE(svc.ready());
  auto r = run_browser_script(svc, "dashboard.mjs", std::chrono::seconds(240));
  INFO(r.failures << "--- the whole run ---\n" << r.out);
  CHECK(r.exit_code == 0);
  CHECK(r.out.find(" 0 failed") != std::string::npos);
}
