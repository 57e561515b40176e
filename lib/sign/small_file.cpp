#include "sign/small_file.h"

#include "core/text_catalogue.h"

#include "core/temp_files.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

namespace vetkit {

bool readSmallFile(const std::string& path, size_t max_size, std::string* text, std::string* err) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    *err = path + ": " + errnoText(errno);
    return false;
  }
  text->clear();
  char buffer[65536];
  for (;;) {
    ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      *err = path + ": " + errnoText(errno);
      ::close(fd);
      return false;
    }
    if (n == 0) break;
    if (text->size() + size_t(n) > max_size) {
      *err = path + ": " + tr("larger than {bytes} bytes", {{"bytes", std::to_string(max_size)}});
      ::close(fd);
      return false;
    }
    text->append(buffer, size_t(n));
  }
  ::close(fd);
  return true;
}

bool createNewFile(const std::string& path, std::string_view data, unsigned mode,
                   std::string* err) {
  std::string tmp = path + ".tmp.XXXXXX";
  int slot = -1;
  // mkstemp: O_EXCL, mode 0600 from the start: no window of exposure
  int fd = TempFiles::create(&tmp, TempFiles::kFile, &slot);
  if (fd < 0) {
    *err = path + ": " + tr("cannot create: {reason}", {{"reason", errnoText(errno)}});
    return false;
  }
  bool ok = fchmod(fd, mode) == 0;
  for (size_t done = 0; ok && done < data.size();) {
    ssize_t n = ::write(fd, data.data() + done, data.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0)
      ok = false;
    else
      done += size_t(n);
  }
  ok = ok && fsync(fd) == 0;
  int saved = errno;
  if (::close(fd) != 0 && ok) ok = false, saved = errno;
  if (ok && ::link(tmp.c_str(), path.c_str()) != 0) ok = false, saved = errno;
  ::unlink(tmp.c_str());
  TempFiles::remove(slot);
  if (!ok) {
    *err = path + (saved == EEXIST
                       ? ": " + tr("already exists, not overwritten")
                       : ": " + tr("cannot write: {reason}", {{"reason", errnoText(saved)}}));
    return false;
  }
  return true;
}

}  // namespace vetkit
