#pragma once
/// Reading response bodies in tests: parse once, then ask by JSON pointer.

#include <simdjson.h>

#include <memory>
#include <stdexcept>
#include <string>

namespace taskhook::test {

class json {
 public:
  explicit json(const std::string& text) : parser_(std::make_unique<simdjson::dom::parser>()) {
    if (parser_->parse(text).get(root_) != simdjson::SUCCESS)
      throw std::runtime_error("not JSON: " + text);
  }
  bool has(const std::string& ptr) const { return root_.at_pointer(ptr).error() == simdjson::SUCCESS; }
  std::string str(const std::string& ptr) const {
    std::string_view v;
    if (root_.at_pointer(ptr).get_string().get(v) != simdjson::SUCCESS)
      throw std::runtime_error("no string at " + ptr);
    return std::string(v);
  }
  long long num(const std::string& ptr) const {
    int64_t v;
    if (root_.at_pointer(ptr).get_int64().get(v) != simdjson::SUCCESS)
      throw std::runtime_error("no integer at " + ptr);
    return v;
  }
  double real(const std::string& ptr) const {
    double v;
    if (root_.at_pointer(ptr).get_double().get(v) != simdjson::SUCCESS)
      throw std::runtime_error("no number at " + ptr);
    return v;
  }
  bool is_null(const std::string& ptr) const { return root_.at_pointer(ptr).is_null(); }
  std::size_t size(const std::string& ptr) const {
    simdjson::dom::array a;
    if (root_.at_pointer(ptr).get_array().get(a) != simdjson::SUCCESS)
      throw std::runtime_error("no array at " + ptr);
    return a.size();
  }

 private:
  std::unique_ptr<simdjson::dom::parser> parser_;
  simdjson::dom::element root_;
};

}  // namespace taskhook::test
