#pragma once
/// This process as Linux reports it in /proc: resident memory, CPU time, start
/// time, open descriptors and how many of them are sockets (for /metrics).

namespace taskhook::http {

struct process_stats {
  double rss_bytes = 0;
  double cpu_seconds = 0;
  double start_seconds = 0;  ///< since the Unix epoch
  int open_fds = 0;
  int sockets = 0;
};

/// Reads /proc/self; a figure that cannot be read stays 0.
process_stats read_process_stats();

}  // namespace taskhook::http
