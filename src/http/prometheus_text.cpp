#include "http/prometheus_text.hpp"

#include <cstdint>
#include <cstdio>

namespace taskhook::http {

void prometheus_text::head(const char* name, const char* type, const char* help) {
  out_ += "# HELP ";
  out_ += name;
  out_ += ' ';
  out_ += help;
  out_ += "\n# TYPE ";
  out_ += name;
  out_ += ' ';
  out_ += type;
  out_ += '\n';
}

void prometheus_text::sample(const char* name, double v, const std::string& labels) {
  out_ += name;
  if (!labels.empty()) out_ += "{" + labels + "}";
  out_ += ' ';
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  out_ += buf;
  out_ += '\n';
}

void prometheus_text::one(const char* name, const char* type, const char* help, double v) {
  head(name, type, help);
  sample(name, v);
}

void prometheus_text::hist(const char* name, const histogram& h, const std::string& labels) {
  std::string base = std::string(name) + "_bucket";
  std::uint64_t cumulative = 0;
  std::string sep = labels.empty() ? "" : labels + ",";
  for (std::size_t i = 0; i < h.bucket_count(); ++i) {
    cumulative += h.count_in(i);
    char le[32];
    std::snprintf(le, sizeof le, "%g", h.bound(i));
    sample(base.c_str(), double(cumulative), sep + "le=\"" + le + "\"");
  }
  cumulative += h.count_in(h.bucket_count());
  sample(base.c_str(), double(cumulative), sep + "le=\"+Inf\"");
  sample((std::string(name) + "_sum").c_str(), h.sum(), labels);
  sample((std::string(name) + "_count").c_str(), double(cumulative), labels);
}

std::string escape_label(std::string_view v) {
  std::string out;
  for (char c : v) {
    if (c == '\\' || c == '"') out.push_back('\\');
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out.push_back(c);
  }
  return out;
}

}  // namespace taskhook::http
