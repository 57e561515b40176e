// Writing merged people: the record stream with each person's provenance replaced by
// `_sources` (every source's file, sheet, row and unit), and the conflict and candidate
// reports, one JSON object per line.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "merge/candidates.h"
#include "merge/survivorship.h"
#include "schema/schema.h"

namespace vetkit {

/// Where one source of a person came from.
struct SourceTag {
  std::string_view src, sheet, unit;
  long row = 0;
  int64_t batch = 0;  // store batch id; 0 outside a store
};

class MergedWriter {
 public:
  explicit MergedWriter(const Schema& schema);
  ~MergedWriter();

  /// Appends one person from a single source: its line as read, without `_src`, `_sheet`,
  /// `_row`, `_columns`, with `_sources`. `extra` (raw `"key":value` members) is appended.
  bool writeSingle(std::string_view line, const SourceTag& tag, std::string_view extra,
                   std::string* out);
  /// Appends one person merged from several sources: the resolved fields in schema order,
  /// the first source's other `_` keys, `_sources` of all.
  bool writeMerged(const std::vector<MergeSource>& sources,
                   const std::vector<FieldResolution>& fields, const std::vector<SourceTag>& tags,
                   std::string_view extra, std::string* out);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// Whether `key` is one of the underscore keys that say where a record's line came from
/// (_src, _sheet, _row, _columns, _sources, _unit_note, _title): kept apart from its values.
bool isProvenanceKey(std::string_view key);

/// Appends a JSON value for `v` (null when absent).
void appendFieldValue(const FieldValue& v, std::string* out);

/// Appends one conflict line: key, name, field, values with provenance (file, sheet, row,
/// column letter when the sheet's layout is known, unit), chosen, rule.
void appendConflict(std::string_view key, std::string_view name, const Field& field,
                    const std::vector<MergeSource>& sources, const std::vector<SourceTag>& tags,
                    const FieldResolution& r, std::string* out);

/// Appends one candidate line: reason, score, evidence (codes), why (the same in words), a
/// and b.
void appendCandidate(const Candidate& c, std::string_view why, std::string* out);

}  // namespace vetkit
