#include "db/pg_array.hpp"

namespace taskhook::db {

void pg_array::separate() {
  if (!first_) text_.push_back(',');
  first_ = false;
}

void pg_array::add(std::string_view value) {
  separate();
  text_.push_back('"');
  for (char c : value) {
    if (c == '"' || c == '\\') text_.push_back('\\');
    text_.push_back(c);
  }
  text_.push_back('"');
}

void pg_array::add_null() {
  separate();
  text_ += "NULL";
}

}  // namespace taskhook::db
