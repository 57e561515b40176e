// Comparing two batches of records: pairing by key and field-by-field comparison of canonical
// values. OLD is held in memory, compactly (one hash slot and one encoded byte string per
// record), and NEW is streamed against it, so a batch of a million people fits in a few
// hundred megabytes and is compared in one pass over each input.
#pragma once

#include <functional>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/diag.h"
#include "import/importer.h"
#include "import/record_source.h"
#include "record/record.h"
#include "schema/schema.h"

namespace vetkit {

struct DiffOptions {
  /// Fields whose values together make the key; empty: the identity key of `id_number`.
  std::vector<const Field*> key;
  /// Fields compared, by Field::index; empty: every field of the schema.
  std::vector<bool> compared;
  /// Also compare the columns the schema does not know (`_extra`, paired by header text).
  bool extras = true;
  ImportOptions import;  // for spreadsheet and CSV inputs
  bool mask = true;      // mask identity and phone numbers in diagnostics' values
  /// Reads OLD and NEW; empty: readRecords (streams, spreadsheets, CSV). vetdiff --db reads
  /// batches of the city store through it.
  std::function<bool(const std::string& path, const RecordSourceEvents& events, std::string* err)>
      read;
};

/// Where a record came from: `_src`, `_sheet`, `_row`.
struct RecordLocation {
  std::string src, sheet;
  long row = 0;
};

/// `src:sheet:row`, with the empty parts left out.
std::string formatRecordLocation(const RecordLocation& at);

struct FieldChange {
  const Field* field = nullptr;     // nullptr: a column the schema does not know (`_extra`)
  FieldValue old_value, new_value;  // Absent when the cell was empty
  std::string column{};             // that unknown column's header text
};

struct DiffEntry {
  enum class Op { Added, Removed, Changed };
  Op op = Op::Changed;
  /// The key's parts joined by '\x1f' (one part, the 18-character number, by default).
  std::string key;
  std::string name;  // the person's name (NEW's, or OLD's when removed)
  RecordLocation old_at, new_at;
  std::vector<FieldChange> changes;  // Changed only, in schema order, then unknown columns
};

struct DiffStats {
  size_t added = 0, removed = 0, changed = 0, unchanged = 0;
  size_t duplicates = 0;              // records whose key an earlier record of the same side had
  size_t keyless = 0;                 // records without a key, not compared
  std::vector<size_t> field_changes;  // by Field::index
  /// Changes in columns the schema does not know, by header text (sorted).
  std::vector<std::pair<std::string, size_t>> extra_changes;

  bool different() const { return added || removed || changed || duplicates || keyless; }
};

/// Receives the differences as they are found: NEW's added and changed records in NEW's
/// order, then OLD's removed records in OLD's order.
class DiffSink {
 public:
  virtual ~DiffSink() = default;
  virtual void entry(const DiffEntry& e) = 0;
  /// Called once after the last entry.
  virtual void finish(const DiffStats& stats) = 0;
  /// True when nobody reads any more (a closed pipe): the diff stops early.
  virtual bool stopped() const { return false; }
};

/// Compares OLD with NEW (record streams, spreadsheets or CSV files; "-" is standard input).
/// Records are paired by key; a key seen twice on one side is reported to `diag` with both
/// locations (code duplicate-key) and its records are paired in order of appearance, the
/// extra ones counting as added or removed. Returns kExitOk when the batches hold the same
/// people with the same values, kExitFindings when they differ, kExitTrouble with `err` set
/// when an input cannot be read (a stream line that is not a record is reported to `diag`
/// and also gives kExitTrouble).
int diffBatches(const Schema& schema, const std::string& old_path, const std::string& new_path,
                const DiffOptions& options, DiffSink* sink, const DiagnosticSink& diag,
                DiffStats* stats, std::string* err);

}  // namespace vetkit
