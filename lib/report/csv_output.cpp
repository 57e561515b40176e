#include "report/output.h"

#include "record/csv_output.h"

namespace vetkit {
namespace {

void line(std::string* out, const std::vector<std::string>& cells) {
  for (size_t i = 0; i < cells.size(); ++i) {
    if (i) out->push_back(',');
    appendCsvField(out, cells[i]);
  }
  out->push_back('\n');
}

}  // namespace

void writeCsvReport(const std::vector<ReportTable>& tables, std::string* out) {
  bool first = true;
  for (const ReportTable& t : tables) {
    if (!first) out->push_back('\n');
    first = false;
    line(out, {t.title});
    line(out, t.columns);
    for (const auto& row : t.rows) {
      std::vector<std::string> cells;
      for (const TableCell& c : row) cells.push_back(cellText(c));
      line(out, cells);
    }
  }
}

}  // namespace vetkit
