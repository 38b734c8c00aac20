// The API's bearer token: read from a file only its owner can read, created on first use, and
// compared without leaking where (or whether by length) a guess differs. The token's value is
// never printed or logged by anything here.
#pragma once

#include <string>
#include <string_view>

namespace organism::monitor::http {

// The token in `path` (surrounding whitespace dropped). core::Error naming the file when group
// or others have any permission on it (mode & 077), when it holds nothing or fewer than 16
// characters, or when it cannot be read. With `create`, a missing file is first created
// (O_CREAT|O_EXCL, mode 0600) holding 64 hex characters from RAND_bytes and a newline.
std::string load_token_file(const std::string& path, bool create);

// Constant time in the contents: CRYPTO_memcmp over the SHA-256 digests of both, so neither the
// position of the first difference nor the length of the right token leaks. An empty `expected`
// matches nothing.
bool token_matches(std::string_view presented, std::string_view expected);

}  // namespace organism::monitor::http
