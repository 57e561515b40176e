// A private copy of a batch, taken once (issue 13, finding 5). A merge used to hash a batch,
// verify its seal, then open it again to read its records: whoever could write the file could
// swap it in between, and the store would hold records nobody sealed under a digest that was.
// Now the file is read once, into a copy only this process can reach, hashed as it is copied;
// the seal is verified against the copy and the records are read from the copy, so the bytes
// merged are the bytes whose digest was verified and recorded, whatever happens to the file.
//
// The copy is a file of the same name in a new directory under $TMPDIR (0700; the copy 0600,
// registered with TempFiles so that SIGINT/SIGTERM/SIGHUP remove it), because the importer
// names a spreadsheet's records by the file's name. Both go when the snapshot does.
#pragma once

#include <string>

namespace vetkit {

class BatchSnapshot {
 public:
  BatchSnapshot() = default;
  BatchSnapshot(const BatchSnapshot&) = delete;
  BatchSnapshot& operator=(const BatchSnapshot&) = delete;
  ~BatchSnapshot();

  /// Copies `path` into a private directory, computing its SHA-256 on the way; false with
  /// `err` ("PATH: reason") when it cannot be read or the copy cannot be written.
  bool take(const std::string& path, std::string* err);
  /// The copy: what is verified and read.
  const std::string& path() const { return copy_; }
  /// Lower-case hex SHA-256 of the bytes copied.
  const std::string& sha256() const { return sha256_; }
  /// `text` with the copy's path replaced by the original's, for messages and provenance.
  std::string original(std::string text) const;

 private:
  void remove();
  std::string original_, dir_, copy_, sha256_;
};

}  // namespace vetkit
