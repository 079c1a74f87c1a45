#pragma once
// Reading a socket together with the kernel's receive time (SO_TIMESTAMPNS),
// so an arrival is timed when the bytes came in, not when a busy receiver
// thread got round to them. Shared by bench/receiver and bench/delivery_latency.

#include <sys/socket.h>

#include <cstdint>
#include <cstring>
#include <ctime>

namespace taskhook::bench {

/// recvmsg() into `buf`; when the kernel attached a receive stamp, stores it in
/// `stamp_ns` (nanoseconds since the epoch). Returns what recvmsg returned.
inline ssize_t recv_stamped(int fd, char* buf, std::size_t size, std::int64_t& stamp_ns) {
  iovec iov{buf, size};
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof(timespec))];
  msghdr msg{};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = control;
  msg.msg_controllen = sizeof control;
  auto r = ::recvmsg(fd, &msg, 0);
  if (r <= 0) return r;
  for (cmsghdr* cm = CMSG_FIRSTHDR(&msg); cm != nullptr; cm = CMSG_NXTHDR(&msg, cm)) {
    if (cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SCM_TIMESTAMPNS) {
      timespec ts{};
      std::memcpy(&ts, CMSG_DATA(cm), sizeof ts);
      stamp_ns = static_cast<std::int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
    }
  }
  return r;
}

}  // namespace taskhook::bench
