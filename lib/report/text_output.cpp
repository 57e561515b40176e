#include <algorithm>

#include "report/output.h"
#include "text/utf8.h"

namespace vetkit {

void writeTextReport(const std::vector<ReportTable>& tables, std::string* out) {
  bool first = true;
  for (const ReportTable& t : tables) {
    if (!first) out->push_back('\n');
    first = false;
    // Units and appeal phrases come from cells: control characters are shown escaped.
    appendTerminalSafe(out, t.title);
    out->push_back('\n');
    std::vector<std::vector<std::string>> cells;
    cells.emplace_back();
    for (const std::string& c : t.columns) cells.back().push_back(terminalSafe(c));
    for (const auto& row : t.rows) {
      std::vector<std::string> line;
      for (const TableCell& c : row) line.push_back(terminalSafe(cellText(c)));
      cells.push_back(std::move(line));
    }
    std::vector<size_t> width(t.columns.size(), 0);
    for (const auto& line : cells)
      for (size_t i = 0; i < line.size() && i < width.size(); ++i)
        width[i] = std::max(width[i], displayWidth(line[i]));
    auto pad = [&](std::string* s, size_t n) { s->append(n, ' '); };
    for (size_t li = 0; li < cells.size(); ++li) {
      std::string line;
      for (size_t i = 0; i < cells[li].size() && i < width.size(); ++i) {
        const std::string& c = cells[li][i];
        size_t gap = width[i] - displayWidth(c);
        if (i) line += "  ";
        // Numbers right-aligned so that digits line up; labels and headers left.
        bool numeric = li > 0 && t.rows[li - 1][i].kind != TableCell::Kind::Text;
        if (numeric) pad(&line, gap);
        line += c;
        if (!numeric && i + 1 < cells[li].size()) pad(&line, gap);
      }
      while (!line.empty() && line.back() == ' ') line.pop_back();
      out->append(line).push_back('\n');
      if (li == 0) {
        size_t total = 0;
        for (size_t w : width) total += w;
        out->append(total + 2 * (width.size() - 1), '-').push_back('\n');
      }
    }
  }
}

}  // namespace vetkit
