#include "core/discord_payload_rules.hpp"

#include "core/payload_template.hpp"
#include "core/snowflake.hpp"
#include "core/time_format.hpp"
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
constexpr std::size_t thread_name_max = 100;
constexpr std::size_t mention_ids_max = 100;
constexpr std::int64_t color_max = 0xFFFFFF;

// The message flags a webhook may set (Discord: SUPPRESS_EMBEDS = 1 << 2,
// SUPPRESS_NOTIFICATIONS = 1 << 12); any other bit is refused by Discord.
constexpr std::int64_t suppress_embeds = 4;
constexpr std::int64_t suppress_notifications = 4096;
constexpr std::string_view flags_values =
    "0, 4 (SUPPRESS_EMBEDS), 4096 (SUPPRESS_NOTIFICATIONS) or 4100 (both)";

// -- text that may hold placeholders ---------------------------------------------

/// Code points that count towards a limit, and whether placeholders make that
/// a longest case rather than the text as written.
struct counted_text {
  std::size_t chars = 0;
  bool templated = false;

  void add(const counted_text& other) {
    chars += other.chars;
    templated = templated || other.templated;
  }
};

/// "… characters" for a limit message: the text as written, or its longest
/// expansion.
std::string length_text(const counted_text& n, std::string_view whose) {
  if (!n.templated) return std::to_string(n.chars) + " characters";
  return "up to " + std::to_string(n.chars) + " characters once " + std::string(whose) +
         " placeholders are filled in";
}

/// A string that may hold placeholders: valid as a template, and at most `max`
/// code points at its longest expansion (not empty when `required_chars`).
/// Returns that length whenever it is a valid template, so totals can count it.
std::optional<counted_text> template_text_at(element e, const std::string& path, std::size_t max,
                                             bool required_chars, error_sink& out) {
  auto s = string_at(e, path, out);
  if (!s) return std::nullopt;
  auto facts = inspect_template_text(*s);
  if (!facts) {
    out.add(path, facts.error_message());
    return std::nullopt;
  }
  const counted_text n{facts->longest_chars, facts->templated};
  if (n.chars == 0 && required_chars)
    out.add(path, "is empty; expected 1-" + std::to_string(max) + " characters");
  else if (n.chars > max)
    out.add(path, length_text(n, "its") + "; expected at most " + std::to_string(max));
  return n;
}

/// The placeholders a URL may hold, for messages.
std::string url_safe_placeholders() {
  std::string out;
  for (placeholder p : {placeholder::scheduled_for, placeholder::scheduled_for_unix,
                        placeholder::task_id, placeholder::attempt, placeholder::trigger}) {
    if (!out.empty()) out += p == placeholder::trigger ? " or " : ", ";
    out += "{{" + std::string(placeholder_name(p)) + "}}";
  }
  return out;
}

/// An http(s) URL that may hold the placeholders whose text needs no escaping
/// in a URL. Those write no space, control character, `/`, `?` or `#` and are
/// never empty, so the URL rule holds for the filled-in text exactly when it
/// holds for the text as written.
void template_url_at(element e, const std::string& path, error_sink& out) {
  auto s = string_at(e, path, out);
  if (!s) return;
  auto facts = inspect_template_text(*s);
  if (!facts) {
    out.add(path, facts.error_message());
    return;
  }
  if (facts->uses(placeholder::task_name)) {
    out.add(path, "{{task.name}} cannot be used in a URL (a name may hold any character); "
                  "expected only " + url_safe_placeholders() + " there");
    return;
  }
  if (!is_http_url(*s)) out.add(path, "expected an http or https URL");
}

/// An embed's ISO-8601 timestamp, or exactly `{{scheduledFor}}` (the fire's
/// instant, filled in at each send).
void template_timestamp_at(element e, const std::string& path, error_sink& out) {
  auto s = string_at(e, path, out);
  if (!s) return;
  if (sole_placeholder(*s) == placeholder::scheduled_for) return;
  if (auto facts = inspect_template_text(*s); !facts) {
    out.add(path, facts.error_message());
    return;
  }
  if (!parse_iso8601(*s))
    out.add(path, "expected an ISO-8601 timestamp such as 2026-11-22T10:00:00.000Z, "
                  "or exactly {{scheduledFor}}");
}

/// A value passed through to Discord unread: storable, and every string in it
/// a valid template (placeholders are filled in anywhere in the payload).
void passthrough_at(element e, const std::string& path, error_sink& out) {
  switch (e.type()) {
    case element_type::STRING: {
      auto s = string_at(e, path, out);
      if (!s) return;
      if (auto facts = inspect_template_text(*s); !facts) out.add(path, facts.error_message());
      return;
    }
    case element_type::ARRAY: {
      const simdjson::dom::array items = e.get_array().value_unsafe();
      std::size_t i = 0;
      for (element item : items) {
        if (out.full()) return;
        passthrough_at(item, child(path, i++), out);
      }
      return;
    }
    case element_type::OBJECT:
      for_each_member(simdjson::dom::object(e.get_object().value_unsafe()), path, out,
                      [&](std::string_view, element v, const std::string& p) {
                        passthrough_at(v, p, out);
                      });
      return;
    default:
      return;
  }
}

// -- embeds ----------------------------------------------------------------------

/// An object whose text member `text_key` is required; returns that text's length.
counted_text embed_part_at(element e, const std::string& path, std::string_view text_key,
                           std::size_t text_max, error_sink& out) {
  auto obj = object_at(e, path, out);
  if (!obj) return {};
  counted_text length;
  bool seen = false;
  for_each_member(*obj, path, out, [&](std::string_view key, element v, const std::string& p) {
    if (key == text_key) {
      seen = true;
      length = template_text_at(v, p, text_max, false, out).value_or(counted_text{});
    } else if (key == "url" || key == "icon_url") {
      template_url_at(v, p, out);
    } else {
      passthrough_at(v, p, out);
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
      template_url_at(v, p, out);
    } else {
      passthrough_at(v, p, out);
    }
  });
  if (!seen) out.add(child(path, "url"), "is required");
}

/// One embed field; returns the length of its name and value.
counted_text embed_field_at(element e, const std::string& path, error_sink& out) {
  auto obj = object_at(e, path, out);
  if (!obj) return {};
  counted_text length;
  bool has_name = false, has_value = false;
  for_each_member(*obj, path, out, [&](std::string_view key, element v, const std::string& p) {
    if (key == "name") {
      has_name = true;
      length.add(template_text_at(v, p, field_name_max, true, out).value_or(counted_text{}));
    } else if (key == "value") {
      has_value = true;
      length.add(template_text_at(v, p, field_value_max, true, out).value_or(counted_text{}));
    } else if (key == "inline") {
      bool_at(v, p, out);
    } else {
      passthrough_at(v, p, out);
    }
  });
  if (!has_name) out.add(child(path, "name"), "is required");
  if (!has_value) out.add(child(path, "value"), "is required");
  return length;
}

/// One embed; returns the length of the text that counts towards the 6000 total.
counted_text embed_at(element e, const std::string& path, error_sink& out) {
  auto obj = object_at(e, path, out);
  if (!obj) return {};
  counted_text length;
  for_each_member(*obj, path, out, [&](std::string_view key, element v, const std::string& p) {
    if (key == "title") {
      length.add(template_text_at(v, p, title_max, false, out).value_or(counted_text{}));
    } else if (key == "description") {
      length.add(template_text_at(v, p, description_max, false, out).value_or(counted_text{}));
    } else if (key == "url") {
      template_url_at(v, p, out);
    } else if (key == "timestamp") {
      template_timestamp_at(v, p, out);
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
        length.add(embed_field_at(f, child(p, i++), out));
      }
    } else if (key == "footer") {
      length.add(embed_part_at(v, p, "text", footer_text_max, out));
    } else if (key == "author") {
      length.add(embed_part_at(v, p, "name", author_name_max, out));
    } else if (key == "image" || key == "thumbnail") {
      embed_media_at(v, p, out);
    } else {
      passthrough_at(v, p, out);
    }
  });
  return length;
}

// -- message options -------------------------------------------------------------

/// `roles` or `users` of allowed_mentions: at most 100 snowflakes. Returns
/// whether the list names anyone.
bool mention_ids_at(element e, const std::string& path, error_sink& out) {
  simdjson::dom::array ids;
  if (e.get_array().get(ids) != simdjson::SUCCESS) {
    out.add(path, "expected an array of ids, each " + std::string(snowflake_expected));
    return false;
  }
  if (ids.size() > mention_ids_max)
    out.add(path, std::to_string(ids.size()) + " ids; expected at most " +
                      std::to_string(mention_ids_max));
  std::size_t i = 0;
  for (element id : ids) {
    if (out.full()) break;
    const std::string p = child(path, i++);
    std::string_view s;
    if (id.get_string().get(s) != simdjson::SUCCESS || !is_snowflake(s))
      out.add(p, "expected " + std::string(snowflake_expected));
  }
  return ids.size() > 0;
}

/// Discord's allowed_mentions object. Discord refuses a type named both in
/// `parse` and by its own list of ids, so that is refused here too.
void allowed_mentions_at(element e, const std::string& path, error_sink& out) {
  auto obj = object_at(e, path, out);
  if (!obj) return;
  bool parse_roles = false, parse_users = false, lists_roles = false, lists_users = false;
  std::string roles_path, users_path;
  for_each_member(*obj, path, out, [&](std::string_view key, element v, const std::string& p) {
    if (key == "parse") {
      simdjson::dom::array types;
      if (v.get_array().get(types) != simdjson::SUCCESS) {
        out.add(p, "expected an array of \"roles\", \"users\" and \"everyone\"");
        return;
      }
      std::size_t i = 0;
      for (element t : types) {
        const std::string tp = child(p, i++);
        std::string_view s;
        if (t.get_string().get(s) != simdjson::SUCCESS) s = {};
        if (s == "roles")
          parse_roles = true;
        else if (s == "users")
          parse_users = true;
        else if (s != "everyone")
          out.add(tp, "expected \"roles\", \"users\" or \"everyone\"");
      }
    } else if (key == "roles") {
      roles_path = p;
      lists_roles = mention_ids_at(v, p, out);
    } else if (key == "users") {
      users_path = p;
      lists_users = mention_ids_at(v, p, out);
    } else if (key == "replied_user") {
      bool_at(v, p, out);
    } else {
      out.add(p, "is not an allowed_mentions member; expected parse, roles, users or replied_user");
    }
  });
  if (parse_roles && lists_roles)
    out.add(roles_path, "lists roles while parse holds \"roles\"; expected one or the other");
  if (parse_users && lists_users)
    out.add(users_path, "lists users while parse holds \"users\"; expected one or the other");
}

/// Message flags: only SUPPRESS_EMBEDS and SUPPRESS_NOTIFICATIONS, alone or
/// together (0: none).
void flags_at(element e, const std::string& path, error_sink& out) {
  const std::string refused = " sets a flag a webhook may not set; expected " +
                              std::string(flags_values);
  if (e.type() == element_type::INT64) {
    const std::int64_t v = e.get_int64().value_unsafe();
    if ((v & ~(suppress_embeds | suppress_notifications)) == 0) return;
    out.add(path, std::to_string(v) + refused);
  } else if (e.type() == element_type::UINT64) {  // above INT64_MAX
    out.add(path, std::to_string(e.get_uint64().value_unsafe()) + refused);
  } else {
    out.add(path, "expected an integer: " + std::string(flags_values));
  }
}

}  // namespace

void discord_payload_at(element e, error_sink& out) {
  const std::string path = "payload";
  auto obj = object_at(e, path, out);
  if (!obj) return;
  bool has_content = false, has_embed = false, wrong_type = false;
  for_each_member(*obj, path, out, [&](std::string_view key, element v, const std::string& p) {
    if (key == "content") {
      template_text_at(v, p, content_max, false, out);
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
      counted_text total;
      std::size_t i = 0;
      for (element item : embeds) {
        if (out.full()) return;
        total.add(embed_at(item, child(p, i++), out));
      }
      if (total.chars > embeds_text_max)
        out.add(p, "all embeds together have " + length_text(total, "their") +
                       "; expected at most " + std::to_string(embeds_text_max));
    } else if (key == "username") {
      template_text_at(v, p, username_max, true, out);
    } else if (key == "avatar_url") {
      template_url_at(v, p, out);
    } else if (key == "tts") {
      bool_at(v, p, out);
    } else if (key == "allowed_mentions") {
      allowed_mentions_at(v, p, out);
    } else if (key == "flags") {
      flags_at(v, p, out);
    } else if (key == "thread_name") {
      template_text_at(v, p, thread_name_max, true, out);
    } else {
      passthrough_at(v, p, out);  // Discord may add fields; keep them as sent
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
