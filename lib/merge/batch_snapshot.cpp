#include "merge/batch_snapshot.h"

#include "core/text_catalogue.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>

#include "core/temp_files.h"
#include "sign/digest.h"

namespace vetkit {

BatchSnapshot::~BatchSnapshot() {
  remove();
}

void BatchSnapshot::remove() {
  if (!copy_.empty()) {
    ::unlink(copy_.c_str());
    TempFiles::remove(copy_);
  }
  if (!dir_.empty()) ::rmdir(dir_.c_str());
  copy_.clear();
  dir_.clear();
}

bool BatchSnapshot::take(const std::string& path, std::string* err) {
  remove();
  original_ = path;
  auto fail = [&](const std::string& who) {
    *err = who + ": " + errnoText(errno);
    remove();
    return false;
  };
  int in = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (in < 0) return fail(path);
  struct stat st {};
  if (::fstat(in, &st) != 0) return ::close(in), fail(path);
  if (S_ISDIR(st.st_mode)) {
    ::close(in);
    errno = EISDIR;
    return fail(path);
  }
  const char* tmp = std::getenv("TMPDIR");
  std::string tmpl = std::string(tmp && *tmp ? tmp : "/tmp") + "/vetmerge-batch.XXXXXX";
  if (!::mkdtemp(tmpl.data())) return ::close(in), fail(tmpl);
  dir_ = tmpl;
  copy_ = dir_ + "/" + std::filesystem::path(path).filename().string();
  int out = ::open(copy_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (out < 0) {
    int e = errno;
    ::close(in);
    copy_.clear();
    errno = e;
    return fail(dir_);
  }
  TempFiles::add(copy_);
  Digester sha(DigestAlgorithm::Sha256);
  std::string buf(1 << 20, '\0');
  for (;;) {
    ssize_t n = ::read(in, buf.data(), buf.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return ::close(in), ::close(out), fail(path);
    if (n == 0) break;
    sha.update(std::string_view(buf.data(), size_t(n)));
    for (ssize_t done = 0; done < n;) {
      ssize_t w = ::write(out, buf.data() + done, size_t(n - done));
      if (w < 0 && errno == EINTR) continue;
      if (w < 0) return ::close(in), ::close(out), fail(copy_);
      done += w;
    }
  }
  ::close(in);
  if (::close(out) != 0) return fail(copy_);
  if (!sha.finish(&sha256_, err)) return remove(), false;
  return true;
}

std::string BatchSnapshot::original(std::string text) const {
  if (copy_.empty()) return text;
  for (size_t at = text.find(copy_); at != std::string::npos;
       at = text.find(copy_, at + original_.size()))
    text.replace(at, copy_.size(), original_);
  return text;
}

}  // namespace vetkit
