#include "core/temp_files.h"

#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <cstring>

namespace vetkit {

namespace {

// The handler may run at any instruction, so it touches only what is fixed in place: no
// allocation, no lock, nothing a half-done registration could leave inconsistent.
constexpr int kSlots = 64;
constexpr size_t kMaxPath = 4096;
constexpr size_t kMaxSuffix = sizeof "-journal";

// A slot's life: free -> claimed (add() copying the path) -> used -> free, or, in the
// handler, used -> cleaning. Only the owner of a transition touches the path, so the handler
// never reads a path that add() is writing, nor one that remove() frees and reuses.
enum State : int { kFree, kClaimed, kUsed, kCleaning };

struct Slot {
  std::atomic<int> state{kFree};
  TempFiles::Kind kind = TempFiles::kFile;
  size_t length = 0;
  char path[kMaxPath];
};
static_assert(std::atomic<int>::is_always_lock_free, "the handler needs lock-free atomics");

Slot slots[kSlots];
std::atomic<bool> installed{false};
constexpr int kSignals[] = {SIGINT, SIGTERM, SIGHUP};

void unlinkWithSuffix(const Slot& s, const char* suffix) {
  char buffer[kMaxPath + kMaxSuffix];
  size_t n = std::strlen(suffix);
  std::memcpy(buffer, s.path, s.length);
  std::memcpy(buffer + s.length, suffix, n + 1);
  unlink(buffer);
}

void onFatalSignal(int sig) {
  for (Slot& s : slots) {
    int used = kUsed;
    if (!s.state.compare_exchange_strong(used, kCleaning)) continue;
    unlink(s.path);
    if (s.kind == TempFiles::kDatabase)
      for (const char* suffix : {"-journal", "-wal", "-shm"}) unlinkWithSuffix(s, suffix);
  }
  // Die of the same signal, so the exit status still says what killed the run: the default
  // action back, and the signal (blocked while its handler runs) unblocked and raised again.
  struct sigaction dfl = {};
  dfl.sa_handler = SIG_DFL;
  sigemptyset(&dfl.sa_mask);
  sigaction(sig, &dfl, nullptr);
  sigset_t mask;
  sigemptyset(&mask);
  sigaddset(&mask, sig);
  sigprocmask(SIG_UNBLOCK, &mask, nullptr);
  raise(sig);
}

void installHandlers() {
  if (installed.exchange(true)) return;
  struct sigaction sa = {};
  sa.sa_handler = onFatalSignal;
  // One cleanup at a time: the other signals wait until this one has killed the process.
  sigemptyset(&sa.sa_mask);
  for (int sig : kSignals) sigaddset(&sa.sa_mask, sig);
  for (int sig : kSignals) {
    struct sigaction old = {};
    if (sigaction(sig, nullptr, &old) != 0) continue;
    // A signal someone chose to ignore (nohup) or handle stays theirs.
    if (old.sa_handler != SIG_DFL || (old.sa_flags & SA_SIGINFO)) continue;
    sigaction(sig, &sa, nullptr);
  }
}

}  // namespace

int TempFiles::add(const std::string& path, Kind kind) {
  if (path.empty() || path.size() >= kMaxPath) return -1;
  installHandlers();
  for (int i = 0; i < kSlots; ++i) {
    Slot& s = slots[i];
    int free = kFree;
    if (!s.state.compare_exchange_strong(free, kClaimed)) continue;
    std::memcpy(s.path, path.c_str(), path.size() + 1);
    s.length = path.size();
    s.kind = kind;
    s.state.store(kUsed);
    return i;
  }
  return -1;
}

int TempFiles::create(std::string* path_template, Kind kind, int* slot) {
  installHandlers();  // first, so that the signals blocked below are caught when let through
  sigset_t fatal, old;
  sigemptyset(&fatal);
  for (int sig : kSignals) sigaddset(&fatal, sig);
  sigprocmask(SIG_BLOCK, &fatal, &old);
  int fd = mkstemp(path_template->data());
  int saved = errno;
  int added = fd >= 0 ? add(*path_template, kind) : -1;
  sigprocmask(SIG_SETMASK, &old, nullptr);
  if (slot) *slot = added;
  errno = saved;
  return fd;
}

void TempFiles::remove(int slot) {
  if (slot < 0 || slot >= kSlots) return;
  // Fails only while the handler is cleaning the slot, and then the process is ending.
  int used = kUsed;
  slots[slot].state.compare_exchange_strong(used, kFree);
}

void TempFiles::remove(const std::string& path) {
  for (int i = 0; i < kSlots; ++i) {
    const Slot& s = slots[i];
    if (s.state.load() == kUsed && s.length == path.size() &&
        std::memcmp(s.path, path.data(), path.size()) == 0)
      return remove(i);
  }
}

}  // namespace vetkit
