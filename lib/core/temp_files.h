// Temporary files that must not outlive an interrupted run. Each writer registers its
// temporary right after creating it and forgets it right after renaming or removing it; on
// SIGINT, SIGTERM or SIGHUP a handler removes whatever is still registered, then lets the
// signal kill the process as it would have (the shell still sees 130, 143, 129).
// SIGKILL cannot be caught: a hard kill still leaves the temporaries (never the target).
#pragma once

#include <string>

namespace vetkit {

class TempFiles {
 public:
  enum Kind {
    kFile,      // the path alone
    kDatabase,  // the path and SQLite's "-journal", "-wal" and "-shm" beside it
  };

  /// mkstemp() and add() in one step, with the signals held off in between, so that no
  /// signal finds the file created but not yet registered. Returns the descriptor, or -1
  /// with errno set; `slot` (if given) receives add()'s result.
  static int create(std::string* path_template, Kind kind = kFile, int* slot = nullptr);
  /// Registers `path` for removal on a fatal signal, installing the handlers on first use.
  /// Returns the slot, or -1 when the path is too long or every slot is taken (the file is
  /// then merely not cleaned up on a signal, as before).
  static int add(const std::string& path, Kind kind = kFile);
  /// Forgets a slot from add(); -1 is ignored. Call it once the temporary is renamed or gone.
  static void remove(int slot);
  /// Forgets the slot holding `path`, for writers that keep the path but not the slot.
  static void remove(const std::string& path);
};

}  // namespace vetkit
