#include "report/xlsx_file.h"

#include "core/temp_files.h"

#include <fcntl.h>
#include <unistd.h>
#include <xlsxwriter.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace vetkit {

XlsxFile::~XlsxFile() {
  if (wb_) lxw_workbook_free(wb_);
  if (tmp_path_.empty()) return;
  unlink(tmp_path_.c_str());
  TempFiles::remove(tmp_path_);
}

lxw_workbook* XlsxFile::open(const std::string& path, std::string* err) {
  if (path == "-") {
    *err = "cannot write a workbook to standard output; name a file with -o";
    return nullptr;
  }
  path_ = path;
  tmp_path_ = path + ".tmp.XXXXXX";
  // mkstemp: 0600, and reopening for writing keeps the mode
  int fd = TempFiles::create(&tmp_path_);
  if (fd < 0) {
    tmp_path_.clear();
    *err = path + ": cannot create: " + std::strerror(errno);
    return nullptr;
  }
  close(fd);
  // libxlsxwriter's own scratch files go beside the output, not into /tmp (often RAM); it
  // unlinks each as soon as it is open, so they vanish with the process whatever kills it,
  // and the directory, the output's own, is not ours to remove.
  size_t slash = path.find_last_of('/');
  tmpdir_ = slash == std::string::npos ? "." : slash == 0 ? "/" : path.substr(0, slash);
  lxw_workbook_options opt = {};
  opt.tmpdir = tmpdir_.data();
  wb_ = workbook_new_opt(tmp_path_.c_str(), &opt);
  if (!wb_) *err = path + ": cannot start the workbook";
  return wb_;
}

bool XlsxFile::commit(std::string* err) {
  lxw_error closed = workbook_close(wb_);  // frees the workbook whatever happens
  wb_ = nullptr;
  if (closed != LXW_NO_ERROR) {
    *err = path_ + ": cannot write: " + lxw_strerror(closed);
    return false;
  }
  int fd = ::open(tmp_path_.c_str(), O_RDONLY);
  if (fd < 0 || fsync(fd) != 0) {
    *err = path_ + ": cannot write: " + std::strerror(errno);
    if (fd >= 0) close(fd);
    return false;
  }
  close(fd);
  if (std::rename(tmp_path_.c_str(), path_.c_str()) != 0) {
    *err = path_ + ": cannot write: " + std::strerror(errno);
    return false;
  }
  TempFiles::remove(tmp_path_);
  tmp_path_.clear();
  return true;
}

}  // namespace vetkit
