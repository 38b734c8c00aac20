#include "data/line_reader.hpp"

#include <cstring>
#include <filesystem>

#include <fmt/format.h>

#include "core/error.hpp"

namespace organism::data {

LineReader::LineReader(std::string path) : path_(std::move(path)) {
  std::error_code ec;
  if (std::filesystem::is_directory(path_, ec)) throw core::Error(path_ + ": is a folder, not a file");
  file_ = gzopen(path_.c_str(), "rb");  // also reads uncompressed files transparently
  if (!file_) throw core::Error(fmt::format("{}: cannot open: {}", path_, std::strerror(errno)));
  gzbuffer(file_, 1 << 17);
  file_size_ = std::filesystem::file_size(path_, ec);
  buffer_.reserve(1 << 18);
}

LineReader::~LineReader() {
  if (file_) gzclose(file_);
}

std::uint64_t LineReader::file_offset() const {
  const auto off = gzoffset(file_);
  return off < 0 ? 0 : static_cast<std::uint64_t>(off);
}

bool LineReader::fill() {
  if (eof_) return false;
  // Drop consumed bytes, then append a chunk.
  buffer_.erase(0, pos_);
  pos_ = 0;
  const std::size_t old = buffer_.size();
  constexpr std::size_t kChunk = 1 << 17;
  buffer_.resize(old + kChunk);
  const int n = gzread(file_, buffer_.data() + old, static_cast<unsigned>(kChunk));
  if (n < 0) {
    int errnum = 0;
    const char* msg = gzerror(file_, &errnum);
    throw core::InputError(path_, line_number_ + 1, fmt::format("corrupt compressed data ({})", msg));
  }
  buffer_.resize(old + static_cast<std::size_t>(n));
  if (n == 0) {
    eof_ = true;
    int errnum = 0;
    const char* msg = gzerror(file_, &errnum);
    if (errnum != Z_OK) {
      throw core::InputError(path_, line_number_ + 1, fmt::format("corrupt or truncated compressed data ({})", msg));
    }
    return false;
  }
  return true;
}

bool LineReader::next(std::string_view& line) {
  std::size_t scanned = pos_;
  while (true) {
    const char* start = buffer_.data() + scanned;
    const void* nl = std::memchr(start, '\n', buffer_.size() - scanned);
    if (nl) {
      const std::size_t end = static_cast<std::size_t>(static_cast<const char*>(nl) - buffer_.data());
      line = std::string_view(buffer_).substr(pos_, end - pos_);
      pos_ = end + 1;
      break;
    }
    if (buffer_.size() - pos_ > kMaxLineBytes) {
      throw core::InputError(path_, line_number_ + 1, "line longer than 1 MiB (not a CSV file?)");
    }
    scanned = buffer_.size() - pos_;  // offsets after fill() drops the consumed prefix
    if (!fill()) {
      if (pos_ >= buffer_.size()) return false;
      line = std::string_view(buffer_).substr(pos_);  // last line without a newline
      pos_ = buffer_.size();
      break;
    }
  }
  ++line_number_;
  // A UTF-8 byte order mark (spreadsheets write one) is an encoding marker, not part of the header.
  if (line_number_ == 1 && line.starts_with("\xEF\xBB\xBF")) line.remove_prefix(3);
  if (line.size() > kMaxLineBytes) {
    throw core::InputError(path_, line_number_, "line longer than 1 MiB (not a CSV file?)");
  }
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  if (std::memchr(line.data(), '\0', line.size())) {
    throw core::InputError(path_, line_number_, "binary data (NUL byte): not a text CSV file");
  }
  return true;
}

}  // namespace organism::data
