#include "http/process_stats.hpp"

#include <unistd.h>

#include <dirent.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>

namespace taskhook::http {

process_stats read_process_stats() {
  process_stats p;
  const long page = sysconf(_SC_PAGESIZE);
  const long ticks = sysconf(_SC_CLK_TCK);
  if (std::FILE* f = std::fopen("/proc/self/statm", "r")) {
    long size = 0, resident = 0;
    if (std::fscanf(f, "%ld %ld", &size, &resident) == 2) p.rss_bytes = double(resident) * page;
    std::fclose(f);
  }
  std::ifstream stat("/proc/self/stat");
  std::string line;
  std::getline(stat, line);
  // Fields after the command name (which may hold spaces) start past the ')'.
  if (auto close = line.rfind(')'); close != std::string::npos) {
    std::istringstream in(line.substr(close + 2));
    std::string field;
    unsigned long long utime = 0, stime = 0, start = 0;
    for (int i = 3; in >> field; ++i) {
      if (i == 14) utime = std::stoull(field);
      if (i == 15) stime = std::stoull(field);
      if (i == 22) {
        start = std::stoull(field);
        break;
      }
    }
    p.cpu_seconds = double(utime + stime) / ticks;
    double boot = 0;
    std::ifstream st("/proc/stat");
    for (std::string l; std::getline(st, l);)
      if (l.rfind("btime ", 0) == 0) boot = std::stod(l.substr(6));
    p.start_seconds = boot + double(start) / ticks;
  }
  if (DIR* d = opendir("/proc/self/fd")) {
    char target[256];
    while (auto* e = readdir(d)) {
      if (e->d_name[0] == '.') continue;
      ++p.open_fds;
      std::string path = std::string("/proc/self/fd/") + e->d_name;
      auto n = readlink(path.c_str(), target, sizeof target - 1);
      if (n > 0 && std::string_view(target, n).rfind("socket:", 0) == 0) ++p.sockets;
    }
    closedir(d);
  }
  return p;
}

}  // namespace taskhook::http
