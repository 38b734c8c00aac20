// Writes a file all at once or not at all: text goes to a temporary file beside the target,
// renamed over it on commit. A target ending in .gz is gzip-compressed. Used by exports.
#pragma once

#include <string>
#include <string_view>

#include <zlib.h>

namespace organism::data {

class AtomicFileWriter {
 public:
  // Throws core::Error if the temporary file cannot be created (e.g. the folder is missing), or if
  // the target exists and is not a regular file (a folder, a device, a FIFO), which the rename
  // would replace.
  explicit AtomicFileWriter(std::string path);
  // Without commit(), the temporary file is removed and the target is untouched.
  ~AtomicFileWriter();
  AtomicFileWriter(const AtomicFileWriter&) = delete;
  AtomicFileWriter& operator=(const AtomicFileWriter&) = delete;

  void write(std::string_view text);
  // Flushes, closes and renames over the target.
  void commit();

 private:
  void flush_buffer();
  std::string path_, tmp_path_;
  gzFile gz_ = nullptr;
  std::FILE* plain_ = nullptr;
  std::string buffer_;
  bool committed_ = false;
};

}  // namespace organism::data
