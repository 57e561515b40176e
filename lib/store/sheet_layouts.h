// Each sheet's layout — the column letter of every field (`_columns`) and the operator's
// headers (`_headers`) — for records read back from the store.
//
// Why it exists: the importer writes a sheet's layout once, on the sheet's first record, and a
// reader carries it forward in stream order. The store's current set is read in key order and
// a merge reads one person's versions from several batches, so the first record of a sheet is
// rarely seen first: without this, a send-back row or a conflict would name the column (列)
// only for that one record. The store keeps each layout once per sheet of a batch
// (sheet_layout: a row per sheet, where the letters in every version would add a few hundred
// bytes to each of millions of lines), and this puts it back on each record read.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <tuple>

#include "record/record.h"
#include "record/record_reader.h"
#include "store/store.h"

namespace vetkit {

/// Where a record of the store is in its county's sheet: its own `_src`/`_sheet`, or for a
/// merged record (no `_src` of its own) the first entry of its `_sources`.
struct StoredSource {
  std::string file, sheet;
  int row = 0;
  int64_t batch = 0;  // 0: not said
};

/// The first entry of a merged record's `_sources` (vetmerge's own keys, in its order), found
/// by a plain scan; false when the line has none.
bool firstStoredSource(std::string_view line, StoredSource* out);

class SheetLayouts {
 public:
  explicit SheetLayouts(const Schema& schema);

  /// Every layout `store` keeps (again: what was known before is dropped). False with the
  /// store's error when it cannot be read.
  bool load(StoreReader& store);
  /// A record of batch `batch` that carries its sheet's layout (Record::has_columns_key):
  /// the layout is kept by `store` and known here from now on. Other records: nothing to do.
  bool keep(StoreWriter& store, int64_t batch, const Record& r);
  /// The same for a record's stored `line` and the layout it carries (`columns` not null), as
  /// a merge that holds records in a queue keeps them.
  bool keep(StoreWriter& store, int64_t batch, std::string_view line,
            const std::shared_ptr<const ColumnMap>& columns,
            const std::shared_ptr<const ColumnMap>& headers);
  /// Puts the layout of `r`'s sheet in batch `batch` on `r` (a merged record: its first
  /// source's sheet and batch); `r` is left as it is when none is known.
  void apply(int64_t batch, Record* r) const;

 private:
  struct Layout {
    std::shared_ptr<const ColumnMap> columns, headers;
  };
  using Key = std::tuple<int64_t, std::string, std::string>;  // batch, src, sheet
  const Schema& schema_;
  RecordReader reader_;
  Record scratch_;
  std::map<Key, Layout> layouts_;

  void learn(int64_t batch, std::string_view src, std::string_view sheet, std::string_view columns,
             std::string_view headers);
  std::string toJson(const ColumnMap* map) const;
};

}  // namespace vetkit
