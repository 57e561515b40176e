// A workbook written whole or not at all — the one home of that pattern for every workbook
// vetkit writes (vetvalidate's annotated copy, vetreport's report and send-back packages).
// libxlsxwriter writes a file by name, so AtomicFile cannot serve: it writes to a temporary
// beside the target (mkstemp: 0600, personal data), which is synced and renamed over the
// target on commit(). A target that exists and is not a regular file (/dev/null, a FIFO,
// /dev/stdout) is never renamed over: the workbook is built in a temporary under $TMPDIR
// (or /tmp) and then copied into the target. A symlink is followed to its regular file.
#pragma once

#include <string>

#include "core/output_target.h"

struct lxw_workbook;

namespace vetkit {

class WorkbookFile {
 public:
  WorkbookFile() = default;
  WorkbookFile(const WorkbookFile&) = delete;
  WorkbookFile& operator=(const WorkbookFile&) = delete;
  /// Frees an uncommitted workbook and removes its temporary file.
  ~WorkbookFile();

  /// Starts a workbook for `path`; null with `err` set on failure. `constant_memory` writes
  /// each row to disk once the next begins (libxlsxwriter's own scratch files go beside the
  /// output, or under $TMPDIR for an in-place target).
  lxw_workbook* open(const std::string& path, bool constant_memory, std::string* err);
  /// Starts a file for `path` that the caller writes itself, by name (a zip written by
  /// minizip): the temporary's path, or "" with `err` set.
  std::string openPath(const std::string& path, std::string* err);
  /// Closes the workbook and puts it in place; false with `err` and no file on failure.
  bool commit(std::string* err);

 private:
  bool fail(std::string* err, const std::string& why);
  bool createTemp(const std::string& path, std::string* err);
  std::string path_, tmp_path_, tmpdir_;
  OutputTarget target_;
  int slot_ = -1;
  lxw_workbook* wb_ = nullptr;
};

}  // namespace vetkit
