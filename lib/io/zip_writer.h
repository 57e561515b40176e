// Writing zip archives over minizip (zlib's contrib, already the reader's library): entries
// deflated as they are streamed in, or copied as stored from another archive. The marked copy
// of a workbook is its original package with a few parts changed; every other part is copied
// raw, so it stays byte for byte what the operator's program wrote and costs no deflate.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "io/zip_file.h"

namespace vetkit {

class ZipWriter {
 public:
  /// Creates (or truncates) `path`; nullptr and `err` on failure.
  static std::unique_ptr<ZipWriter> create(const std::string& path, std::string* err);
  /// Abandons an unclosed archive (the caller removes the file).
  ~ZipWriter();
  ZipWriter(const ZipWriter&) = delete;
  ZipWriter& operator=(const ZipWriter&) = delete;

  /// Starts a deflated entry; `large` asks for zip64 sizes (an entry past 4 GiB), `fast` the
  /// fastest deflate (a streamed sheet: most of the time of marking a workbook goes there).
  bool begin(const std::string& name, bool large, std::string* err, bool fast = false);
  /// Appends to the entry begun last.
  bool write(std::string_view data, std::string* err);
  /// Ends the entry begun last.
  bool end(std::string* err);
  /// A whole entry at once.
  bool add(const std::string& name, std::string_view content, std::string* err);
  /// Copies entry `index` of `from` as stored: same bytes, same CRC, same name.
  bool copyRaw(ZipFile& from, int index, std::string* err);
  /// Writes the central directory; false and `err` when the archive is not complete.
  bool close(std::string* err);

 private:
  ZipWriter() = default;
  bool fail(std::string* err, const std::string& why);
  void* handle_ = nullptr;  // zipFile, opaque so minizip stays out of this header
  std::string path_, entry_;
};

}  // namespace vetkit
