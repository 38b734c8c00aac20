// What every API handler shares (api_support.cpp): refusals as exceptions that become the
// {"error": ...} response, the query's numbers and times checked by name, the store opened
// read-only (503 naming the file when it cannot be), a journal that may be missing.
#pragma once

#include <sys/stat.h>

#include <cstddef>
#include <functional>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>

#include <nlohmann/json.hpp>

#include "core/time.hpp"
#include "data/store.hpp"
#include "monitor/http/route.hpp"

namespace organism::monitor::api {

// A refusal with its HTTP status: 400 (bad parameter), 404 (unknown id), 503 (a file unreadable).
struct ApiError : std::runtime_error {
  ApiError(int http_status, const std::string& message) : std::runtime_error(message), status(http_status) {}
  int status;
};

// The handler's JSON as a response with `status`; an ApiError as its status, any other exception
// as 500, each {"error": message}.
http::Handler json_handler(std::function<nlohmann::ordered_json(const http::Request&)> body, int status = 200);

// The store at `path` read-only; ApiError 503 naming the file when it cannot be opened.
data::Store open_store(const std::string& path);

// Query parameters: absent -> nullopt; present but bad -> ApiError 400 naming the parameter.
std::optional<std::size_t> count_param(const http::Request& request, const std::string& name, std::size_t max);
std::optional<core::TimeMs> time_param(const http::Request& request, const std::string& name);
bool flag_param(const http::Request& request, const std::string& name);  // "1" or "true"

// Whether a journal file exists: a missing journal is no error, that journal's part is empty.
bool journal_exists(const std::string& path);

// The read-only handle (JournalReader, StorePeek, ...) of `path` for the calling server thread,
// opened by `open` on first use and again when the file at `path` is another one (its device or
// inode changed: replaced or recreated). Opening SQLite costs far more than a route's queries (the
// mmap and its unmapping across threads dominate a per-request open), and a kept connection still
// sees every commit: these handles run each query as its own statement, finalized before it
// returns, so none holds a read transaction between requests. `open`'s error propagates (nothing
// is cached then); a missing file throws what `open` throws.
template <class Handle, class Open>
Handle& thread_handle(const std::string& path, Open open) {
  struct Entry {
    dev_t dev = 0;
    ino_t ino = 0;
    std::optional<Handle> handle{};
  };
  thread_local std::map<std::string, Entry> cache;
  if (data::sql::is_server_location(path)) {  // a server store: one connection per thread, kept
    auto& entry = cache[path];
    if (!entry.handle) entry.handle.emplace(open());
    return *entry.handle;
  }
  struct stat info {};
  if (::stat(path.c_str(), &info) != 0) {
    cache.erase(path);
    return cache[path].handle.emplace(open());  // `open` says what is wrong (and throws)
  }
  auto& entry = cache[path];
  if (!entry.handle || entry.dev != info.st_dev || entry.ino != info.st_ino) {
    entry.handle.reset();
    entry.handle.emplace(open());
    entry.dev = info.st_dev;
    entry.ino = info.st_ino;
  }
  return *entry.handle;
}

}  // namespace organism::monitor::api
