// SHA-256 of a batch's bytes, recorded with the batch so that its origin can be checked later
// (`sha256sum FILE` gives the same hex).
#pragma once

#include <memory>
#include <string>
#include <string_view>

namespace vetkit {

/// The lower-case hex SHA-256 of the file at `path`; false with `err` when it cannot be read.
bool sha256File(const std::string& path, std::string* hex, std::string* err);

/// An incremental SHA-256, for input that can be read only once (standard input).
class Sha256 {
 public:
  Sha256();
  ~Sha256();
  void update(std::string_view data);
  /// The lower-case hex digest; the object is spent.
  std::string hex();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace vetkit
