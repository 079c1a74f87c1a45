#include "core/discord_payload_rules.hpp"

#include "core/utf8.hpp"

namespace taskhook {
namespace {

using namespace json_checks;

// Limits from API.md (Task); they count code points.
constexpr std::size_t content_max = 2000;
constexpr std::size_t embeds_max = 10;
constexpr std::size_t title_max = 256;
constexpr std::size_t description_max = 4096;
constexpr std::size_t fields_max = 25;
constexpr std::size_t field_name_max = 256;
constexpr std::size_t field_value_max = 1024;
constexpr std::size_t footer_text_max = 2048;
constexpr std::size_t author_name_max = 256;
constexpr std::size_t embeds_text_max = 6000;
constexpr std::size_t username_max = 80;
constexpr std::int64_t color_max = 0xFFFFFF;

/// An object whose text member `text_key` is required; returns that text's length.
std::size_t embed_part_at(element e, const std::string& path, std::string_view text_key,
                          std::size_t text_max, error_sink& out) {
  auto obj = object_at(e, path, out);
  if (!obj) return 0;
  std::size_t length = 0;
  bool seen = false;
  for_each_member(*obj, path, out, [&](std::string_view key, element v, const std::string& p) {
    if (key == text_key) {
      seen = true;
      length = text_at(v, p, text_max, false, out).value_or(0);
    } else if (key == "url" || key == "icon_url") {
      url_at(v, p, out);
    } else {
      storable_at(v, p, out);
    }
  });
  if (!seen) out.add(child(path, text_key), "is required");
  return length;
}

/// image and thumbnail: an object with a required http(s) `url`.
void embed_media_at(element e, const std::string& path, error_sink& out) {
  auto obj = object_at(e, path, out);
  if (!obj) return;
  bool seen = false;
  for_each_member(*obj, path, out, [&](std::string_view key, element v, const std::string& p) {
    if (key == "url") {
      seen = true;
      url_at(v, p, out);
    } else {
      storable_at(v, p, out);
    }
  });
  if (!seen) out.add(child(path, "url"), "is required");
}

/// One embed field; returns the length of its name and value.
std::size_t embed_field_at(element e, const std::string& path, error_sink& out) {
  auto obj = object_at(e, path, out);
  if (!obj) return 0;
  std::size_t length = 0;
  bool has_name = false, has_value = false;
  for_each_member(*obj, path, out, [&](std::string_view key, element v, const std::string& p) {
    if (key == "name") {
      has_name = true;
      length += text_at(v, p, field_name_max, true, out).value_or(0);
    } else if (key == "value") {
      has_value = true;
      length += text_at(v, p, field_value_max, true, out).value_or(0);
    } else if (key == "inline") {
      bool_at(v, p, out);
    } else {
      storable_at(v, p, out);
    }
  });
  if (!has_name) out.add(child(path, "name"), "is required");
  if (!has_value) out.add(child(path, "value"), "is required");
  return length;
}

/// One embed; returns the length of the text that counts towards the 6000 total.
std::size_t embed_at(element e, const std::string& path, error_sink& out) {
  auto obj = object_at(e, path, out);
  if (!obj) return 0;
  std::size_t length = 0;
  for_each_member(*obj, path, out, [&](std::string_view key, element v, const std::string& p) {
    if (key == "title") {
      length += text_at(v, p, title_max, false, out).value_or(0);
    } else if (key == "description") {
      length += text_at(v, p, description_max, false, out).value_or(0);
    } else if (key == "url") {
      url_at(v, p, out);
    } else if (key == "timestamp") {
      timestamp_at(v, p, out);
    } else if (key == "color") {
      integer_at(v, p, 0, color_max, out);
    } else if (key == "fields") {
      simdjson::dom::array fields;
      if (v.get_array().get(fields) != simdjson::SUCCESS) {
        out.add(p, "expected an array");
        return;
      }
      if (fields.size() > fields_max)
        out.add(p, std::to_string(fields.size()) + " fields; expected at most " +
                       std::to_string(fields_max));
      std::size_t i = 0;
      for (element f : fields) {
        if (out.full()) return;
        length += embed_field_at(f, child(p, i++), out);
      }
    } else if (key == "footer") {
      length += embed_part_at(v, p, "text", footer_text_max, out);
    } else if (key == "author") {
      length += embed_part_at(v, p, "name", author_name_max, out);
    } else if (key == "image" || key == "thumbnail") {
      embed_media_at(v, p, out);
    } else {
      storable_at(v, p, out);
    }
  });
  return length;
}

}  // namespace

void discord_payload_at(element e, error_sink& out) {
  const std::string path = "payload";
  auto obj = object_at(e, path, out);
  if (!obj) return;
  bool has_content = false, has_embed = false, wrong_type = false;
  for_each_member(*obj, path, out, [&](std::string_view key, element v, const std::string& p) {
    if (key == "content") {
      text_at(v, p, content_max, false, out);
      std::string_view s;
      if (v.get_string().get(s) == simdjson::SUCCESS)
        has_content = !is_blank(s);
      else
        wrong_type = true;
    } else if (key == "embeds") {
      simdjson::dom::array embeds;
      if (v.get_array().get(embeds) != simdjson::SUCCESS) {
        wrong_type = true;
        out.add(p, "expected an array");
        return;
      }
      has_embed = embeds.size() > 0;
      if (embeds.size() > embeds_max)
        out.add(p, std::to_string(embeds.size()) + " embeds; expected at most " +
                       std::to_string(embeds_max));
      std::size_t total = 0, i = 0;
      for (element item : embeds) {
        if (out.full()) return;
        total += embed_at(item, child(p, i++), out);
      }
      if (total > embeds_text_max)
        out.add(p, "all embeds together have " + std::to_string(total) +
                       " characters; expected at most " + std::to_string(embeds_text_max));
    } else if (key == "username") {
      text_at(v, p, username_max, true, out);
    } else if (key == "avatar_url") {
      url_at(v, p, out);
    } else if (key == "tts") {
      bool_at(v, p, out);
    } else if (key == "allowed_mentions") {
      if (object_at(v, p, out)) storable_at(v, p, out);
    } else {
      storable_at(v, p, out);  // Discord may add fields; keep them as sent
    }
  });
  // A wrong-typed content or embeds already has its own error.
  if (!has_content && !has_embed && !wrong_type)
    out.add(path, "expected content or at least one embed");
}

std::vector<field_error> validate_payload(std::string_view payload_json) {
  simdjson::dom::parser parser;
  element root;
  if (auto code = parser.parse(payload_json.data(), payload_json.size()).get(root))
    return {{"payload", describe_parse_error(code, payload_json)}};
  std::string scratch;
  if (auto dup = find_duplicate_key(root, scratch)) return {{"payload", *dup}};
  error_sink out;
  discord_payload_at(root, out);
  return out.take();
}

}  // namespace taskhook
