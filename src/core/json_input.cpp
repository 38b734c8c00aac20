#include "core/json_input.hpp"

#include <fmt/format.h>

#include "core/error.hpp"

namespace organism::core {
namespace {

// Depth and the offset where it first went past `limit` (npos when it never did).
struct DepthScan {
  int deepest = 0;
  std::size_t past_limit_at = std::string_view::npos;
};

DepthScan scan_depth(std::string_view text, int limit) {
  DepthScan scan;
  int depth = 0;
  bool in_string = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\') {
        ++i;  // the escaped character cannot end the string
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > scan.deepest) scan.deepest = depth;
      if (depth > limit && scan.past_limit_at == std::string_view::npos) scan.past_limit_at = i;
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
  return scan;
}

// Nesting of a parsed value up to `limit` levels (it stops looking deeper), without recursion
// beyond that limit.
int value_depth(const nlohmann::json& value, int limit) {
  if (limit <= 0 || !value.is_structured()) return 0;
  int deepest = 0;
  for (const auto& child : value) deepest = std::max(deepest, value_depth(child, limit - 1));
  return deepest + 1;
}

template <class Json>
Json parse_limited(std::string_view text, std::string_view what, int max_depth) {
  const DepthScan scan = scan_depth(text, max_depth);
  if (scan.past_limit_at != std::string_view::npos) {
    throw Error(fmt::format("{}: JSON nested deeper than {} levels (at byte {})", what, max_depth,
                            scan.past_limit_at));
  }
  try {
    return Json::parse(text);
  } catch (const nlohmann::json::parse_error& e) {
    // nlohmann quotes the last token it read, which can be the whole input.
    throw Error(fmt::format("{}: not valid JSON: {}", what, quoted_text(e.what())));
  }
}

}  // namespace

int json_depth(std::string_view text) { return scan_depth(text, 0).deepest; }

nlohmann::json parse_json(std::string_view text, std::string_view what, int max_depth) {
  return parse_limited<nlohmann::json>(text, what, max_depth);
}

nlohmann::ordered_json parse_ordered_json(std::string_view text, std::string_view what, int max_depth) {
  return parse_limited<nlohmann::ordered_json>(text, what, max_depth);
}

std::string quoted_text(std::string_view text, std::size_t max_chars) {
  if (text.size() <= max_chars) return std::string(text);
  return fmt::format("{}... ({} chars)", text.substr(0, max_chars), text.size());
}

std::string quoted_json(const nlohmann::json& value, std::size_t max_chars) {
  constexpr int kDumpDepth = 8;
  if (value_depth(value, kDumpDepth + 1) > kDumpDepth) {
    return value.is_array() ? "[...] (nested too deep to show)" : "{...} (nested too deep to show)";
  }
  return quoted_text(value.dump(), max_chars);
}

}  // namespace organism::core
