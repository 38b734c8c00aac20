// Error types that carry the exit code a user sees: 2 for usage, 1 for everything else.
// Thrown at I/O and user-input boundaries; caught once, in the CLI's main.
#pragma once

#include <cstddef>
#include <stdexcept>
#include <string>

namespace organism::core {

// Runtime failure: bad data, I/O errors, store errors. Exit code 1.
class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The command line or config is wrong (unknown flag, bad value, missing argument). Exit code 2.
class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The user interrupted a long command (Ctrl-C) after it saved what it had. Exit code 130.
class Interrupted : public Error {
 public:
  using Error::Error;
};

// A bad record in an input file; the message reads "FILE:LINE: what is wrong".
class InputError : public Error {
 public:
  InputError(const std::string& file, std::size_t line, const std::string& what)
      : Error(file + ":" + std::to_string(line) + ": " + what), file_(file), line_(line) {}
  const std::string& file() const { return file_; }
  std::size_t line() const { return line_; }

 private:
  std::string file_;
  std::size_t line_;
};

}  // namespace organism::core
