// The dashboard's task form in headless Chromium at laptop and phone widths:
// create with an embed, edit the schedule, the API's 400s at their inputs,
// send a test (to the fake Discord), duplicate, delete, a tenant's own view,
// keyboard-only creation, and axe-core over the list, task page and form.
#include <catch2/catch.hpp>

#include "e2e/browser_script.hpp"
#include "e2e/service.hpp"

using namespace taskhook::test;

TEST_CASE("the task form works in a real browser", "[browser]") {
  service svc;
  REQUIRE(svc.ready());
  auto r = run_browser_script(svc, "editor.mjs", std::chrono::seconds(320));
  INFO(r.failures << "--- the whole run ---\n" << r.out);
  CHECK(r.exit_code == 0);
  CHECK(r.out.find(" 0 failed") != std::string::npos);
}
