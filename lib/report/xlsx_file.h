// A workbook written whole or not at all: libxlsxwriter writes to a temporary file beside
// the target (0600: personal data), which is synced and renamed over it on commit().
#pragma once

#include <string>

struct lxw_workbook;

namespace vetkit {

class XlsxFile {
 public:
  XlsxFile() = default;
  XlsxFile(const XlsxFile&) = delete;
  XlsxFile& operator=(const XlsxFile&) = delete;
  /// Frees an uncommitted workbook and removes its temporary file.
  ~XlsxFile();

  /// Starts a workbook for `path`; null with `err` set on failure.
  lxw_workbook* open(const std::string& path, std::string* err);
  /// Closes the workbook and renames it into place; false with `err` and no file on failure.
  bool commit(std::string* err);

 private:
  std::string path_, tmp_path_, tmpdir_;
  lxw_workbook* wb_ = nullptr;
};

}  // namespace vetkit
