// What the readers tell a progress display while a tool runs: the input being read, how many
// of its bytes are read and how many rows or lines all inputs gave so far. Readers update it
// once per chunk they read — never per byte or per row — and only when a display listens, so
// a run without one pays a null check per megabyte.
#pragma once

#include <sys/stat.h>

#include <atomic>
#include <cstdint>
#include <mutex>
#include <string>

namespace vetkit {

class ReadProgress {
 public:
  struct Snapshot {
    std::string name;    // the input's file name, "-" for standard input
    uint64_t bytes = 0;  // bytes of it read so far
    uint64_t total = 0;  // its size; 0 when unknown (a pipe)
    uint64_t rows = 0;   // rows or lines of all inputs so far
    bool piped = false;  // the input is a pipe, written by a tool that may draw its own progress
  };

  /// The display listening now, or nullptr: the only thing a reader asks when none does.
  static ReadProgress* active() { return active_.load(std::memory_order_acquire); }
  static void setActive(ReadProgress* p) { active_.store(p, std::memory_order_release); }

  /// A reader starts on `path`, sized by `fd` when it is open (else by the path): a regular
  /// file's size, unknown for a pipe or a terminal.
  void beginInput(const std::string& path, int fd) {
    struct stat st {};
    bool known = fd >= 0 ? ::fstat(fd, &st) == 0 : ::stat(path.c_str(), &st) == 0;
    std::lock_guard<std::mutex> lock(mutex_);
    size_t slash = path.rfind('/');
    name_ = slash == std::string::npos ? path : path.substr(slash + 1);
    total_.store(known && S_ISREG(st.st_mode) ? uint64_t(st.st_size) : 0,
                 std::memory_order_relaxed);
    piped_.store(known && S_ISFIFO(st.st_mode), std::memory_order_relaxed);
    bytes_.store(0, std::memory_order_relaxed);
  }
  void addBytes(uint64_t n) { bytes_.fetch_add(n, std::memory_order_relaxed); }
  void addRows(uint64_t n) { rows_.fetch_add(n, std::memory_order_relaxed); }

  Snapshot snapshot() const {
    Snapshot s;
    std::lock_guard<std::mutex> lock(mutex_);
    s.name = name_;
    s.bytes = bytes_.load(std::memory_order_relaxed);
    s.total = total_.load(std::memory_order_relaxed);
    s.rows = rows_.load(std::memory_order_relaxed);
    s.piped = piped_.load(std::memory_order_relaxed);
    return s;
  }

 private:
  inline static std::atomic<ReadProgress*> active_{nullptr};
  mutable std::mutex mutex_;
  std::string name_;
  std::atomic<uint64_t> bytes_{0}, total_{0}, rows_{0};
  std::atomic<bool> piped_{false};
};

}  // namespace vetkit
