// The agent wallet key of `organism trade`: read from a file only its owner can read (mode 0600
// or 0400) or from the environment, never echoed in an error, a log or the journal. Used by the
// trade command and the live broker's tests.
#pragma once

#include <string>
#include <string_view>

#include "exchange/hyperliquid/signing.hpp"

namespace organism::exec {

// Read when no key file is given.
inline constexpr const char* kAgentKeyEnv = "ORGANISM_AGENT_KEY";

// From `key_file` when not empty (a regular file; any group or other permission bit is a
// core::UsageError naming the file, its mode in octal and `chmod 600 FILE`), else from
// ORGANISM_AGENT_KEY (a core::UsageError when unset). The text is 64 hex digits, "0x" optional,
// surrounding whitespace allowed; anything else is a core::UsageError that never quotes it.
exchange::hl::PrivateKey load_agent_key(const std::string& key_file);

// The parsing rule above for text that came from `source` (named in errors: "key file F", "the
// environment variable ORGANISM_AGENT_KEY").
exchange::hl::PrivateKey parse_agent_key(std::string_view text, const std::string& source);

}  // namespace organism::exec
