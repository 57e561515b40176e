// The cross-check of phase two: our collected records against one department's extract as it
// came (GBK CSV, xlsx), read through the department's profile. The extract is held in memory,
// one compact entry per person (its rows combined: one row per insurance type is one set, a
// list means "on the list"); ours is streamed against it. Agreement is silent; each
// disagreement, each person of ours the department should know but does not, and each person
// only in theirs is one finding, routed to the county of the person's hukou.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "core/diag.h"
#include "import/importer.h"
#include "import/record_source.h"
#include "record/record.h"
#include "schema/department_profile.h"
#include "schema/schema.h"

namespace vetkit {

struct CrossFinding {
  enum class Kind { Disagree, OnlyOurs, OnlyTheirs, NotCollected };
  Kind kind = Kind::Disagree;
  std::string key;                   // the identity number (18 characters), unmasked
  std::string name;                  // ours, or theirs when only theirs
  const Field* field = nullptr;      // nullptr: the person, or the department's status
  std::string status;                // the department's registration status, when it is the finding
  FieldValue ours, theirs;           // Absent when empty or not held
  std::string county;                // where the item goes: the hukou county (else the unit)
  std::string hukou_division, unit;  // as ours has them (theirs when only theirs)
  std::string ours_at;               // src:sheet:row of our record
  std::vector<std::string> theirs_at;  // sheet:row of each of their rows
};

/// The stable id of an item: the same person, field and rule give the same id in every round.
std::string crossFindingId(const DepartmentProfile& dept, const CrossFinding& f);
/// kind as written in JSON and read back: disagree, only-ours, only-theirs, not-collected.
const char* crossKindName(CrossFinding::Kind kind);
/// The field name of a finding as JSON writes it: the field's id, `_status` or `_person`.
std::string crossFieldId(const CrossFinding& f);

struct CrossStats {
  size_t ours = 0, theirs_rows = 0, theirs_people = 0, matched = 0;
  size_t disagree = 0, only_ours = 0, only_theirs = 0, not_collected = 0;
  size_t keyless = 0;  // rows of either side without an identity number, not compared
  size_t findings() const { return disagree + only_ours + only_theirs + not_collected; }
};

class CrossSink {
 public:
  virtual ~CrossSink() = default;
  virtual void finding(const CrossFinding& f) = 0;
  virtual void finish(const CrossStats& stats) = 0;
  virtual bool stopped() const { return false; }
};

struct CrossOptions {
  ImportOptions import;  // for spreadsheet inputs; the department's columns are added to THEIRS
  /// Reads OURS; empty: readRecords. vetdiff --db reads the store's current set through it.
  std::function<bool(const std::string& path, const RecordSourceEvents& events, std::string* err)>
      read_ours;
};

/// Compares OURS with THEIRS (the department's extract) under `dept`. Returns kExitOk when
/// nothing was found, kExitFindings when something was, kExitTrouble with `err` when an input
/// cannot be read. Findings come in OURS's order, then the people only in THEIRS in its order.
int crossCheck(const Schema& schema, const DepartmentProfile& dept, const std::string& ours,
               const std::string& theirs, const CrossOptions& options, CrossSink* sink,
               const DiagnosticSink& diag, CrossStats* stats, std::string* err);

}  // namespace vetkit
