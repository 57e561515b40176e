// Where an output named on the command line really goes, decided before anything is written.
// Write-to-a-temporary-then-rename is right for regular files only: renamed over /dev/null (as
// root) it would replace the machine's /dev/null with a file, and over a FIFO it would leave
// the reader waiting forever. So an existing target that is not a regular file (character
// device, FIFO, socket, /dev/stdout, /proc/self/fd/N) is written in place, streamed, and a
// symlink to a regular file is followed, so the temporary goes beside the file it replaces
// and the link stays a link.
#pragma once

#include <string>

namespace vetkit {

struct OutputTarget {
  /// The path to write: the final target of a symlink, else the path as given.
  std::string path;
  /// True when `path` exists and is not a regular file: open it and write, never rename.
  bool in_place = false;
  /// For /dev/stdout, /dev/stderr, /dev/fd/N and /proc/self/fd/N: the descriptor to
  /// duplicate, so the shell's file description (its offset, O_APPEND) is shared; else -1.
  int descriptor = -1;
};

/// Decides how to write `path` ("-" is not handled here: callers treat it as stdout).
/// Never fails: a path that does not exist (or a dangling link) is written atomically as is.
OutputTarget resolveOutputTarget(const std::string& path);

/// Opens an in-place target for writing (no O_TRUNC: a device or FIFO has nothing to
/// truncate, and a shared descriptor keeps the shell's offset). -1 with errno on failure.
int openInPlace(const OutputTarget& target);

}  // namespace vetkit
