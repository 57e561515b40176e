#include "import/sheet_note.h"

#include <string_view>

namespace vetkit {

namespace {

// The words a note row puts before the unit's name.
constexpr std::string_view kUnitLabels[] = {"填报单位", "采集单位", "报送单位", "填表单位"};

bool isBlank(std::string_view s, size_t i, size_t* len) {
  if (s[i] == ' ' || s[i] == '\t') return *len = 1, true;
  if (s.substr(i, 3) == "\u3000") return *len = 3, true;  // the ideographic space
  return false;
}

std::string_view trim(std::string_view s) {
  size_t len;
  while (!s.empty() && isBlank(s, 0, &len)) s.remove_prefix(len);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  while (s.size() >= 3 && s.substr(s.size() - 3) == "\u3000") s.remove_suffix(3);
  return s;
}

// The unit's name ends where a run of blanks begins (填报单位：X   填报日期：…) or at the next
// label's colon.
std::string_view untilNextItem(std::string_view s) {
  s = trim(s);
  for (size_t i = 0; i < s.size();) {
    size_t len;
    if (isBlank(s, i, &len)) return s.substr(0, i);
    if (s.substr(i, 3) == "：" || s[i] == ':') return s.substr(0, i);
    ++i;
  }
  return s;
}

std::string_view afterColon(std::string_view s) {
  s = trim(s);
  if (s.starts_with("：")) return s.substr(3);
  if (s.starts_with(":")) return s.substr(1);
  return s;
}

}  // namespace

SheetNote findSheetNote(const std::vector<Row>& head, int header_row) {
  SheetNote note;
  for (const Row& row : head) {
    if (row.number >= header_row) break;
    bool note_row = false;
    for (size_t c = 0; c < row.cells.size() && note.unit.empty(); ++c) {
      std::string_view text = row.cells[c].text;
      for (std::string_view label : kUnitLabels) {
        size_t at = text.find(label);
        if (at == std::string_view::npos) continue;
        std::string_view rest = untilNextItem(afterColon(text.substr(at + label.size())));
        // 填报单位： | 冷水江市退役军人事务局 — the name in the next cell.
        if (rest.empty() && c + 1 < row.cells.size()) rest = untilNextItem(row.cells[c + 1].text);
        if (!rest.empty()) note.unit.assign(rest);
        note_row = true;
        break;
      }
    }
    if (!note_row && note.title.empty() && row.cells.size() == 1 &&
        row.cells[0].kind == Cell::Kind::Text)
      note.title.assign(trim(row.cells[0].text));
  }
  return note;
}

}  // namespace vetkit
