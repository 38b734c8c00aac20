// The dashboard's reading of the API token file, by the server's rules (0600, not empty).
// TODO(lead): replace with monitor::http::load_token_file(path, false) once helper "http" merges.
#pragma once

#include <string>

namespace organism::monitor::dashboard {

// The token (surrounding whitespace trimmed). core::Error naming the file when it is missing,
// unreadable, readable by group or others, or empty. The token itself is never printed.
std::string read_token_file(const std::string& path);

}  // namespace organism::monitor::dashboard
