// The one way JSON from outside the program is parsed (genome files, checkpoints and records read
// back from the store, later exchange frames): a nesting limit checked before any tree is built,
// and error messages that quote the input only in short. Used by strategy, runs and the CLI.
#pragma once

#include <cstddef>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace organism::core {

// Deepest nesting of arrays and objects accepted. A tree genome at the rule-tree depth limit (64
// nodes, two JSON levels per node) nests about 135 deep; 256 leaves room for the records that
// wrap genomes, while keeping every recursive walk of a parsed value (dump, comparison, our
// readers) far from the stack's end.
inline constexpr int kMaxJsonDepth = 256;

// Input quoted in an error message is cut to this many characters.
inline constexpr std::size_t kMaxQuoted = 120;

// Parses `text`; `what` names it in errors ("genome.json", "run 3's options"). Throws
// core::Error "WHAT: JSON nested deeper than N levels (at byte B)" before building anything when
// arrays and objects nest deeper than max_depth, and "WHAT: not valid JSON: ..." (short) when the
// text is not JSON.
nlohmann::json parse_json(std::string_view text, std::string_view what,
                          int max_depth = kMaxJsonDepth);
// The same, keeping the objects' key order (records read back from the store).
nlohmann::ordered_json parse_ordered_json(std::string_view text, std::string_view what,
                                          int max_depth = kMaxJsonDepth);

// The deepest nesting of arrays and objects in `text` (strings skipped), counted without parsing.
int json_depth(std::string_view text);

// `text` cut to max_chars with "... (N chars)" appended when longer, for error messages.
std::string quoted_text(std::string_view text, std::size_t max_chars = kMaxQuoted);
// A JSON value for an error message: its compact dump, cut as quoted_text() does. Values nested
// deeper than a few levels are not dumped whole (the dump would be long and recursive).
std::string quoted_json(const nlohmann::json& value, std::size_t max_chars = kMaxQuoted);

}  // namespace organism::core
