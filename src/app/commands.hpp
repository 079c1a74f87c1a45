#pragma once
/// The taskhook command line: serve (default), migrate, cron, --help, --version.
/// Exit codes: 0 done, 1 failed at run time, 2 bad configuration or usage.

namespace taskhook::app {

/// Everything main() does.
int run(int argc, char** argv);

}  // namespace taskhook::app
