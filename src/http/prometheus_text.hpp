#pragma once
/// The Prometheus text exposition format (version 0.0.4), written one metric
/// family at a time: HELP and TYPE lines, samples, histograms.

#include <string>
#include <string_view>

#include "actors/metrics.hpp"

namespace taskhook::http {

class prometheus_text {
 public:
  /// The HELP and TYPE lines that open a family.
  void head(const char* name, const char* type, const char* help);
  /// One sample; `labels` is `a="x",b="y"` (values escaped by the caller).
  void sample(const char* name, double v, const std::string& labels = "");
  /// A family with one unlabelled sample.
  void one(const char* name, const char* type, const char* help, double v);
  /// The cumulative buckets, sum and count of `h`.
  void hist(const char* name, const histogram& h, const std::string& labels = "");
  std::string& str() { return out_; }

 private:
  std::string out_;
};

/// A label value with backslash, double quote and newline escaped.
std::string escape_label(std::string_view v);

}  // namespace taskhook::http
