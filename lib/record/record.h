// A record of the stream as the tools that consume it see it: field values by schema index,
// provenance, and the line itself so that a record passed on is written back unchanged.
#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace vetkit {

struct FieldValue {
  enum class Kind : unsigned char { Absent, String, Number, Bool, Array, Other };
  Kind kind = Kind::Absent;
  std::string text;  // String; Number as its literal; Other as raw JSON
  bool boolean = false;
  std::vector<std::string> items;  // Array members (strings; others as raw JSON)

  bool present() const { return kind != Kind::Absent; }
};

/// Field index -> column letter ("" when unknown), from a sheet's `_columns`.
using ColumnMap = std::vector<std::string>;

struct Record {
  std::string line;                // the JSON object as read, without the newline
  std::vector<FieldValue> fields;  // by Field::index
  std::string src, sheet;
  long row = 0;
  std::string id15;
  // What the sheet said of its unit above its header (`_unit_note`: 填报单位：…; `_title`),
  // on the sheet's first record only, when the sheet has no 采集单位 column.
  std::string unit_note, title;
  std::shared_ptr<const ColumnMap> columns;  // carried forward from the sheet's first record
  // Field index -> the header as the operator wrote it, from `_headers` (only the headers
  // that differ from the field's label), carried forward as `columns` is.
  std::shared_ptr<const ColumnMap> headers;
  // `_extra`: the columns the schema does not know, (header text, value) in the stream's order.
  std::vector<std::pair<std::string, std::string>> extra;
  bool has_columns_key = false;  // this line itself holds `_columns`
  size_t line_number = 0;        // 1-based line of the stream, for messages about it

  /// The column letter of field `index`, or "".
  const std::string& column(size_t index) const;
  /// The operator's header of field `index` when it differs from the field's label, or "".
  const std::string& header(size_t index) const;
};

}  // namespace vetkit
