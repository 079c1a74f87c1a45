#include "actors/protocol.hpp"

namespace taskhook {

namespace {
constexpr caf::atom_value category = caf::atom("taskhook");
}

caf::error make_error(actor_error e, std::string context) {
  if (context.empty()) return caf::error(static_cast<std::uint8_t>(e), category);
  return caf::error(static_cast<std::uint8_t>(e), category, caf::make_message(std::move(context)));
}

std::optional<actor_error> our_error(const caf::error& err) {
  if (!err || err.category() != category) return std::nullopt;
  return static_cast<actor_error>(err.code());
}

std::string error_context(const caf::error& err) {
  const auto& ctx = err.context();
  if (ctx.size() == 1 && ctx.match_element<std::string>(0)) return ctx.get_as<std::string>(0);
  return {};
}

}  // namespace taskhook
