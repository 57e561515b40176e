// What the merge found and could not settle itself, read back for the report and the send-back
// packages: conflicting field values (vetmerge --conflicts) and possible duplicates
// (vetmerge --candidates), one JSON object a line as lib/merge/output.cpp writes them.
// The report shows them with masked keys and the action to take; a conflict between sources
// of two units goes back to both (issue 15, item 5).
#pragma once

#include <string>
#include <vector>

namespace vetkit {

/// One source's value in a conflict: the value as the merge wrote it (JSON text unquoted for
/// a string; a set as its JSON array) and where it came from.
struct ConflictValue {
  std::string value, src, sheet, unit, column;
  long row = 0;
};

struct MergeConflict {
  std::string key, name, field, chosen, rule;
  std::vector<ConflictValue> values;
  /// The units the values came from, each once, in the order first seen.
  std::vector<std::string> units() const;
};

struct CandidatePerson {
  std::string key, name, src, unit;
  long row = 0;
};

struct MergeCandidate {
  std::string reason;
  std::string why;  // the merge's reason and evidence in words, when the line carries them
  double score = 0;
  CandidatePerson a, b;
};

/// One finding of a cross-check with a department (vetdiff --dept --format json), to be sent
/// back to the county it names: values as the check wrote them (a set as its JSON array).
struct CrossItem {
  std::string id, dept, department, key, name, field, kind, ours, theirs, hukou_division, unit,
      county, ours_at;
  std::vector<std::string> theirs_rows;
};

struct MergeFindings {
  std::vector<MergeConflict> conflicts;
  std::vector<MergeCandidate> candidates;
};

/// Reads a --conflicts file into `out->conflicts`; false with `err` ("FILE:LINE: …") when a
/// line is not a conflict.
bool readConflicts(const std::string& path, MergeFindings* out, std::string* err);
/// Reads a --findings file of vetdiff --dept into `out`; false with `err` as above.
bool readCrossItems(const std::string& path, std::vector<CrossItem>* out, std::string* err);
/// Reads a --candidates file into `out->candidates`; false with `err` as above.
bool readCandidates(const std::string& path, MergeFindings* out, std::string* err);

}  // namespace vetkit
