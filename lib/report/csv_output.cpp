#include "report/output.h"

namespace vetkit {
namespace {

void field(std::string* out, const std::string& s) {
  if (s.find_first_of(",\"\n\r") == std::string::npos) {
    out->append(s);
    return;
  }
  out->push_back('"');
  for (char c : s) {
    if (c == '"') out->push_back('"');
    out->push_back(c);
  }
  out->push_back('"');
}

void line(std::string* out, const std::vector<std::string>& cells) {
  for (size_t i = 0; i < cells.size(); ++i) {
    if (i) out->push_back(',');
    field(out, cells[i]);
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
