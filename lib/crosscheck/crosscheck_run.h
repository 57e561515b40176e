// One run of `vetdiff --dept`: the profile read, the output opened, the check made and the
// output committed only when both inputs were read whole (a half cross-check misleads).
#pragma once

#include <string>

#include "crosscheck/crosscheck.h"
#include "crosscheck/crosscheck_output.h"

namespace vetkit {

struct CrossRun {
  std::string profile;      // a department profile's name (gongan) or file
  std::string schema_path;  // where `departments/` is looked for
  std::string ours, theirs, output = "-";
  std::string db;        // set: OURS is this city store's current set (OURS itself unused)
  bool stat = false;     // the summary only, no findings
  ImportOptions import;  // how spreadsheets are read (OURS and THEIRS)
  CrossOutputOptions out;
  std::string summary;  // set by runCrossCheck: the closing line for standard error
};

/// Runs the check; returns the exit status (kExitTrouble with `err` set on trouble) and sets
/// `run->summary`.
int runCrossCheck(const Schema& schema, CrossRun* run, const DiagnosticSink& diag,
                  std::string* err);

}  // namespace vetkit
