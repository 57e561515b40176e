#include "io/workbook_file.h"

#include "core/text_catalogue.h"

#include "core/temp_files.h"

#include <fcntl.h>
#include <unistd.h>
#include <xlsxwriter.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace vetkit {

namespace {

std::string dirName(const std::string& path) {
  size_t slash = path.find_last_of('/');
  return slash == std::string::npos ? "." : slash == 0 ? "/" : path.substr(0, slash);
}

// Copies the finished workbook into a device, FIFO or descriptor, streamed.
bool copyInto(const std::string& from, int to) {
  int in = ::open(from.c_str(), O_RDONLY | O_CLOEXEC);
  if (in < 0) return false;
  char buffer[1 << 16];
  bool ok = true;
  for (;;) {
    ssize_t n = ::read(in, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      ok = n == 0;
      break;
    }
    for (ssize_t done = 0; ok && done < n;) {
      ssize_t w = ::write(to, buffer + done, size_t(n - done));
      if (w < 0 && errno == EINTR) continue;
      if (w < 0)
        ok = false;
      else
        done += w;
    }
    if (!ok) break;
  }
  int saved = errno;
  ::close(in);
  errno = saved;
  return ok;
}

}  // namespace

WorkbookFile::~WorkbookFile() {
  if (wb_) lxw_workbook_free(wb_);
  if (!tmp_path_.empty()) unlink(tmp_path_.c_str());
  TempFiles::remove(slot_);
}

bool WorkbookFile::fail(std::string* err, const std::string& why) {
  *err = path_ + ": " + why;
  return false;
}

bool WorkbookFile::createTemp(const std::string& path, std::string* err) {
  if (path == "-") {
    *err = tr("cannot write a workbook to standard output; name a file with -o");
    return false;
  }
  path_ = path;
  target_ = resolveOutputTarget(path);
  if (target_.in_place) {
    const char* tmp = std::getenv("TMPDIR");
    tmpdir_ = tmp && *tmp ? tmp : "/tmp";
    tmp_path_ = tmpdir_ + "/vetkit-workbook.tmp.XXXXXX";
  } else {
    tmpdir_ = dirName(target_.path);
    tmp_path_ = target_.path + ".tmp.XXXXXX";
  }
  // mkstemp: 0600, and libxlsxwriter reopening it for writing keeps the mode
  int fd = TempFiles::create(&tmp_path_, TempFiles::kFile, &slot_);
  if (fd < 0) {
    tmp_path_.clear();
    *err = path + ": " + tr("cannot create: {reason}", {{"reason", errnoText(errno)}});
    return false;
  }
  close(fd);
  return true;
}

std::string WorkbookFile::openPath(const std::string& path, std::string* err) {
  return createTemp(path, err) ? tmp_path_ : std::string();
}

lxw_workbook* WorkbookFile::open(const std::string& path, bool constant_memory, std::string* err) {
  if (!createTemp(path, err)) return nullptr;
  // libxlsxwriter's own scratch files go beside the output, not into /tmp (often RAM); it
  // unlinks each as soon as it is open, so they vanish with the process whatever kills it.
  lxw_workbook_options opt = {};
  opt.constant_memory = constant_memory ? LXW_TRUE : LXW_FALSE;
  opt.tmpdir = tmpdir_.data();
  wb_ = workbook_new_opt(tmp_path_.c_str(), &opt);
  if (!wb_) *err = path + ": " + tr("cannot start the workbook");
  return wb_;
}

bool WorkbookFile::commit(std::string* err) {
  if (wb_) {
    lxw_error closed = workbook_close(wb_);  // frees the workbook whatever happens
    wb_ = nullptr;
    if (closed != LXW_NO_ERROR)
      return fail(err, tr("cannot write: {reason}", {{"reason", lxw_strerror(closed)}}));
  }
  if (target_.in_place) {
    int out = openInPlace(target_);
    if (out < 0) return fail(err, tr("cannot open: {reason}", {{"reason", errnoText(errno)}}));
    bool ok = copyInto(tmp_path_, out);
    int saved = errno;
    if (::close(out) != 0 && ok) ok = false, saved = errno;
    if (!ok) return fail(err, tr("cannot write: {reason}", {{"reason", errnoText(saved)}}));
    return true;  // the destructor removes the temporary
  }
  int fd = ::open(tmp_path_.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0 || fsync(fd) != 0) {
    int saved = errno;
    if (fd >= 0) close(fd);
    return fail(err, tr("cannot write: {reason}", {{"reason", errnoText(saved)}}));
  }
  close(fd);
  if (std::rename(tmp_path_.c_str(), target_.path.c_str()) != 0)
    return fail(err, tr("cannot write: {reason}", {{"reason", errnoText(errno)}}));
  TempFiles::remove(slot_);
  slot_ = -1;
  tmp_path_.clear();
  return true;
}

}  // namespace vetkit
