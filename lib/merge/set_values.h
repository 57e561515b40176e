// The values of a city set against the county batches behind it (issue 13, finding 8; step 5
// of set_manifest.h). That each record's `_sources` names sealed batches proves nothing of its
// values: a city could edit a phone or a category and keep `_sources`. So the province reads
// the batches the manifest names, indexes their rows by identity key, and requires every value
// of every record of the set to occur in that person's row of at least one of the batches the
// record names:
//   - "occurs" is the one canonical equivalence (value_equivalence.h), and no more exactly than
//     the row says it: survivorship keeps the more precise of two dates (`_refined`), which one
//     batch holds as it is; a date more precise than every source (1978-03 made 1978-03-17) is
//     a value nobody sent;
//   - a person whose number a batch corrected (identity_correction.h) is found in the older
//     batch under the number it corrects; a record without a key by the sheet and row its
//     `_sources` names;
//   - members whose name starts with `_` are provenance or derived (`_sources`, `_refined`,
//     `_id15`, `_extra`, ...), not values a county sent: they are not compared.
// Memory: the batches' rows, each once, compactly (its present values, no text of the file),
// indexed by key; the set is streamed.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "import/importer.h"
#include "merge/identity.h"
#include "record/record.h"
#include "schema/schema.h"

namespace vetkit {

/// The rows of the batches behind a set, by identity key.
class BatchRows {
 public:
  BatchRows(const Schema& schema, const KeySpec& key);
  ~BatchRows();

  /// The key a row of a batch (or a record of the set) is found by: its identity key, or,
  /// without one, "?SHEET:ROW".
  std::string keyOf(const Record& r) const;
  /// Adds one row of batch `batch`.
  void add(int64_t batch, const Record& row);
  /// Reads every row of batch `batch` from `path` through the importer; false with `err`
  /// when it cannot be read.
  bool load(int64_t batch, const std::string& path, const ImportOptions& options, std::string* err);
  /// The rows of `batch` for the person `key`, or, when it has none, those under a number
  /// that `key` is the valid form of (identity_correction.h). Decoded into `out`.
  void rowsOf(int64_t batch, const std::string& key, std::vector<Record>* out) const;
  size_t rows() const;
  const Schema& schema() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// Whether `v`, a set's value of `f`, is said by `row_value`, a batch's value of it: the same
/// value (sameValue, canonical) and no more exactly (precision) than the batch said it.
bool valueVouched(const Field& f, const FieldValue& v, const FieldValue& row_value);

/// The schema fields (indexes) of `record`, a line of the set keyed `key`, whose value no
/// row of `batches` holds for that person.
std::vector<size_t> unvouchedFields(const Record& record, const std::string& key,
                                    const std::vector<int64_t>& batches, const BatchRows& rows);

}  // namespace vetkit
