#include "data/file_writer.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>

#include <fmt/format.h>

#include "core/error.hpp"

namespace organism::data {

AtomicFileWriter::AtomicFileWriter(std::string path) : path_(std::move(path)) {
  // A rename over a device, a FIFO or a folder would replace it (or fail after all the work):
  // only a new path or a regular file (or a link to one) can take an atomic write.
  std::error_code ec;
  const auto status = std::filesystem::status(path_, ec);
  if (std::filesystem::exists(status) && !std::filesystem::is_regular_file(status)) {
    throw core::Error(fmt::format("{}: is {}, not a regular file; organism writes files whole by renaming a new "
                                  "file over the target, so give the path of a file", path_,
                                  std::filesystem::is_directory(status) ? "a folder" : "a device, FIFO or socket"));
  }
  tmp_path_ = fmt::format("{}.tmp-{}", path_, ::getpid());
  const bool gz = path_.size() > 3 && path_.compare(path_.size() - 3, 3, ".gz") == 0;
  if (gz) {
    gz_ = gzopen(tmp_path_.c_str(), "wb6");
  } else {
    plain_ = std::fopen(tmp_path_.c_str(), "wb");
  }
  if (!gz_ && !plain_) {
    throw core::Error(fmt::format("{}: cannot write: {}", path_, std::strerror(errno)));
  }
  buffer_.reserve(1 << 20);
}

AtomicFileWriter::~AtomicFileWriter() {
  if (committed_) return;
  if (gz_) gzclose(gz_);
  if (plain_) std::fclose(plain_);
  std::remove(tmp_path_.c_str());
}

void AtomicFileWriter::write(std::string_view text) {
  buffer_.append(text);
  if (buffer_.size() >= (1 << 20)) flush_buffer();
}

void AtomicFileWriter::flush_buffer() {
  if (buffer_.empty()) return;
  bool ok;
  if (gz_) {
    ok = gzwrite(gz_, buffer_.data(), static_cast<unsigned>(buffer_.size())) ==
         static_cast<int>(buffer_.size());
  } else {
    ok = std::fwrite(buffer_.data(), 1, buffer_.size(), plain_) == buffer_.size();
  }
  if (!ok) throw core::Error(fmt::format("{}: write failed: {}", path_, std::strerror(errno)));
  buffer_.clear();
}

void AtomicFileWriter::commit() {
  flush_buffer();
  int rc;
  if (gz_) {
    rc = gzclose(gz_) == Z_OK ? 0 : -1;
    gz_ = nullptr;
  } else {
    rc = std::fclose(plain_);
    plain_ = nullptr;
  }
  if (rc != 0 || std::rename(tmp_path_.c_str(), path_.c_str()) != 0) {
    const std::string why = std::strerror(errno);
    std::remove(tmp_path_.c_str());
    committed_ = true;
    throw core::Error(fmt::format("{}: cannot write: {}", path_, why));
  }
  committed_ = true;
}

}  // namespace organism::data
