// The operator dashboard in headless Chromium (Debian's, driven by
// playwright-core from npm): log in, see tasks and a chart, toggle, run.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <string>

#include "e2e/service.hpp"

using namespace taskhook::test;

TEST_CASE("the dashboard works in a real browser", "[browser]") {
  service svc;
  REQUIRE(svc.ready());
  char dir[] = "/tmp/taskhook-shots-XXXXXX";
  REQUIRE(mkdtemp(dir) != nullptr);
  auto r = run_command({"/usr/bin/env", "node", TASKHOOK_SOURCE_DIR "/tests/browser/dashboard.mjs"},
                       {{"TASKHOOK_URL", svc.url("")},
                        {"TASKHOOK_API_KEY", admin_key},
                        {"TASKHOOK_SCREENSHOT_DIR", dir},
                        {"HOME", dir}},
                       std::chrono::seconds(240));
  // The failing checks first: a CI log may keep only the start of a message.
  std::string failures;
  for (std::size_t at = 0; at < r.out.size();) {
    auto end = r.out.find('\n', at);
    if (end == std::string::npos) end = r.out.size();
    if (r.out.compare(at, 4, "FAIL") == 0 || r.out.compare(at, 6, "cannot") == 0)
      failures.append(r.out, at, end - at + 1);
    at = end + 1;
  }
  INFO(failures << "--- the whole run ---\n" << r.out);
  CHECK(r.exit_code == 0);
  CHECK(r.out.find(" 0 failed") != std::string::npos);
  run_command({"/bin/rm", "-rf", dir}, {});
}
