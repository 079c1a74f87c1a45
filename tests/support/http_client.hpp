#pragma once
/// A real HTTP client (libcurl) for end-to-end tests over loopback.

#include <map>
#include <string>

namespace taskhook::test {

struct http_response {
  long status = 0;  ///< 0 when the connection failed
  std::map<std::string, std::string> headers;  ///< names lower-cased
  std::string body;
};

http_response http_request(const std::string& method, const std::string& url,
                           const std::map<std::string, std::string>& headers = {},
                           const std::string& body = "");

inline http_response http_get(const std::string& url,
                              const std::map<std::string, std::string>& headers = {}) {
  return http_request("GET", url, headers);
}

}  // namespace taskhook::test
