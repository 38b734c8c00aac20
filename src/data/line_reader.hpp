// Reads text files line by line, gzip or plain alike, with line numbers for error messages.
// Used by the importers; guards against hostile input (huge lines, binary data, corrupt gzip).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include <zlib.h>

namespace organism::data {

class LineReader {
 public:
  static constexpr std::size_t kMaxLineBytes = 1 << 20;

  // Throws core::Error if the file cannot be opened.
  explicit LineReader(std::string path);
  ~LineReader();
  LineReader(const LineReader&) = delete;
  LineReader& operator=(const LineReader&) = delete;

  // Next line without its "\n" or "\r\n" (nor, on line 1, a UTF-8 byte order mark); false at
  // the end. The view is valid until the next call.
  // Throws core::InputError on a line over kMaxLineBytes, a NUL byte, or corrupt compressed data.
  bool next(std::string_view& line);
  // 1-based number of the line last returned.
  std::size_t line_number() const { return line_number_; }
  const std::string& path() const { return path_; }
  // Bytes of the file consumed so far and the file's size, for progress.
  std::uint64_t file_offset() const;
  std::uint64_t file_size() const { return file_size_; }

 private:
  bool fill();
  std::string path_;
  gzFile file_ = nullptr;
  std::string buffer_;
  std::size_t pos_ = 0;
  bool eof_ = false;
  std::size_t line_number_ = 0;
  std::uint64_t file_size_ = 0;
};

}  // namespace organism::data
