#pragma once
/// A file compiled into the binary by cmake/embed.cmake.

#include <cstddef>
#include <string_view>

namespace taskhook {

/// One embedded file: its path relative to the folder it was embedded from,
/// its bytes, and the SHA-256 of those bytes in hex.
struct embedded_file {
  const char* path;
  const char* data;
  std::size_t size;
  const char* sha256;

  std::string_view bytes() const { return {data, size}; }
};

}  // namespace taskhook
