// The report as tables of labelled cells: what the text, CSV, HTML and xlsx writers lay out.
// Labels come from schemas/messages.yaml (report-* keys) in the chosen language; codes are
// shown by their labels from the schema.
#pragma once

#include <string>
#include <vector>

#include "report/aggregate.h"
#include "schema/schema.h"

namespace vetkit {

struct TableCell {
  enum class Kind { Text, Count, Share, None } kind = Kind::Text;
  std::string text;  // Text
  double value = 0;  // Count; Share as a fraction 0..1
};

struct ReportTable {
  std::string id;     // stable: summary, by_unit_category, by_township, completeness, ...
  std::string title;  // in the chosen language
  std::vector<std::string> columns;
  std::vector<std::vector<TableCell>> rows;
  size_t label_columns = 1;  // leading columns that name the row
  bool total_row = false;    // the last row sums the others
};

/// A label of the report in `lang` (messages.yaml key "report-" + `key`).
std::string reportLabel(const Schema& schema, Lang lang, const std::string& key);
/// The name of a collecting unit's code (娄星区), the code itself when unknown, or "(未填)".
std::string unitName(const Schema& schema, Lang lang, const std::string& code);
/// The label of a field's value (code, true/false, "" for absent) in `lang`.
std::string valueLabel(const Schema& schema, Lang lang, const Field& field,
                       const std::string& value);
/// "93.5%" (one decimal).
std::string formatShare(double share);
/// The cell as text: counts as integers, shares as percentages, None as "-".
std::string cellText(const TableCell& c);

/// Every table of the report, in the order the writers show them.
std::vector<ReportTable> reportTables(const Report& report, const Schema& schema, Lang lang);

}  // namespace vetkit
