// Finding the header row of a sheet typed by people: below a title row (娄底市…信息采集表),
// a note row (填报单位：…) and merged cells, possibly split over two rows where a group
// heading (服役情况) stands over its sub-columns.
#pragma once

#include <string>
#include <vector>

#include "io/sheet.h"
#include "schema/profile.h"
#include "schema/schema.h"

namespace vetkit {

struct HeaderColumn {
  int col = 0;
  std::string text;              // the header cell as written
  const Field* field = nullptr;  // nullptr: unknown (kept under _extra) or ignored
  bool ignored = false;          // a column such as 序号
  bool duplicate = false;        // a second column for a field already mapped
};

struct HeaderMap {
  int row = 0;                        // the (last) header row; data starts below it
  int first_row = 0;                  // the first header row when the header spans two rows
  std::vector<HeaderColumn> columns;  // in column order
  int mappedCount() const;
  /// The field of column `col`, or nullptr.
  const HeaderColumn* column(int col) const;
};

/// How many rows from the top of a sheet are searched for the header.
constexpr size_t kHeaderSearchRows = 30;

/// Picks the header among the first rows of a sheet (headers mapped through `profile`, when
/// given, before the schema's labels): the row naming the most schema fields
/// (at least two), merged with the row directly below or above when that one names fields in
/// columns the first leaves unnamed. With `forced_row` > 0 that row is the header. Returns
/// false when no row qualifies.
bool detectHeader(const Schema& schema, const Profile* profile, const std::vector<Row>& rows,
                  int forced_row, HeaderMap* out);

}  // namespace vetkit
