#include "core/output_target.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdlib>
#include <string_view>

namespace vetkit {

namespace {

// The names of an already open descriptor; -1 when `path` is none of them.
int descriptorName(std::string_view path) {
  if (path == "/dev/stdout") return STDOUT_FILENO;
  if (path == "/dev/stderr") return STDERR_FILENO;
  for (std::string_view prefix : {"/dev/fd/", "/proc/self/fd/"}) {
    if (!path.starts_with(prefix)) continue;
    std::string_view digits = path.substr(prefix.size());
    if (digits.empty() || digits.size() > 6) return -1;
    int fd = 0;
    for (char c : digits) {
      if (c < '0' || c > '9') return -1;
      fd = fd * 10 + (c - '0');
    }
    return fd;
  }
  return -1;
}

}  // namespace

OutputTarget resolveOutputTarget(const std::string& path) {
  OutputTarget target;
  target.path = path;
  int fd = descriptorName(path);
  struct stat st;
  if (fd >= 0 && fstat(fd, &st) == 0) {
    // Whatever it is (even a regular file the shell opened with >>), the shell owns it.
    target.in_place = true;
    target.descriptor = fd;
    return target;
  }
  if (stat(path.c_str(), &st) != 0) return target;  // new (or a dangling link): as is
  if (!S_ISREG(st.st_mode)) {
    target.in_place = true;
    return target;
  }
  struct stat lst;
  if (lstat(path.c_str(), &lst) == 0 && S_ISLNK(lst.st_mode)) {
    char* real = realpath(path.c_str(), nullptr);
    if (real) {
      target.path = real;
      std::free(real);
    }
  }
  return target;
}

int openInPlace(const OutputTarget& target) {
  if (target.descriptor >= 0) return fcntl(target.descriptor, F_DUPFD_CLOEXEC, 0);
  return ::open(target.path.c_str(), O_WRONLY | O_CLOEXEC | O_NOCTTY);
}

}  // namespace vetkit
