#pragma once
/// Runs one of tests/browser/*.mjs (headless Chromium through playwright-core)
/// against a running service, with a scratch folder for its screenshots, and
/// puts the lines of the checks that failed first in what it returns: a CI log
/// may keep only the start of a message.

#include <stdlib.h>

#include <chrono>
#include <string>

#include "e2e/service.hpp"

namespace taskhook::test {

struct browser_run {
  int exit_code = -1;
  std::string failures;  ///< the FAIL and "cannot start" lines
  std::string out;       ///< everything it printed
};

inline browser_run run_browser_script(service& svc, const std::string& script,
                                      std::chrono::seconds timeout) {
  char dir[] = "/tmp/taskhook-shots-XXXXXX";
  browser_run result;
  if (mkdtemp(dir) == nullptr) {
    result.failures = "cannot make a scratch folder\n";
    return result;
  }
  auto r = run_command({"/usr/bin/env", "node", std::string(TASKHOOK_SOURCE_DIR "/tests/browser/") + script},
                       {{"TASKHOOK_URL", svc.url("")},
                        {"TASKHOOK_API_KEY", admin_key},
                        {"TASKHOOK_SCREENSHOT_DIR", dir},
                        {"HOME", dir}},
                       timeout);
  for (std::size_t at = 0; at < r.out.size();) {
    auto end = r.out.find('\n', at);
    if (end == std::string::npos) end = r.out.size();
    if (r.out.compare(at, 4, "FAIL") == 0 || r.out.compare(at, 6, "cannot") == 0)
      result.failures.append(r.out, at, end - at + 1);
    at = end + 1;
  }
  result.exit_code = r.exit_code;
  result.out = std::move(r.out);
  run_command({"/bin/rm", "-rf", dir}, {});
  return result;
}

}  // namespace taskhook::test
