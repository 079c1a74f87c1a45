#pragma once
/// A child process for end-to-end tests: the real taskhook binary (or a script)
/// with its own environment, output captured to a file.

#include <sys/types.h>

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace taskhook::test {

struct run_result {
  int exit_code = -1;  ///< -1 when killed by a signal
  std::string out;     ///< stdout and stderr together
};

/// Runs `argv` to completion with exactly `env` (plus PATH) and returns its output.
run_result run_command(const std::vector<std::string>& argv,
                       const std::map<std::string, std::string>& env,
                       std::chrono::seconds timeout = std::chrono::seconds(60));

class child {
 public:
  child(const std::vector<std::string>& argv, const std::map<std::string, std::string>& env);
  ~child();  ///< SIGKILLs a child still running
  child(const child&) = delete;
  child& operator=(const child&) = delete;

  void signal(int sig);
  /// Waits up to `timeout` for the exit; nullopt if it is still running.
  std::optional<int> wait(std::chrono::milliseconds timeout);
  /// All output so far.
  std::string output() const;
  /// Polls the output until it contains `text`; false after `timeout`.
  bool wait_for_output(const std::string& text, std::chrono::milliseconds timeout) const;
  pid_t pid() const { return pid_; }

 private:
  pid_t pid_ = -1;
  std::string log_path_;
  std::optional<int> exit_;
};

/// A TCP port on 127.0.0.1 that was free a moment ago.
int free_port();

}  // namespace taskhook::test
