// The one exit-code table shared by every tool, so scripts can tell "bad data" from "broken".
#pragma once

namespace vetkit {

enum ExitStatus : int {
  kExitOk = 0,        // nothing to report
  kExitFindings = 1,  // the data has findings: invalid records, differences, a bad signature
  kExitTrouble = 2,   // usage, I/O or corrupt input: the tool could not do its job
};

/// The worse of two statuses.
inline int worstStatus(int a, int b) {
  return a > b ? a : b;
}

}  // namespace vetkit
