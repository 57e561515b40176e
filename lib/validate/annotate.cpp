#include "validate/annotate.h"

#include <sys/stat.h>
#include <unistd.h>
#include <xlsxwriter.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <memory>
#include <span>
#include <string_view>
#include <utility>

#include "core/path.h"
#include "core/text_catalogue.h"
#include "io/input.h"
#include "io/ods_reader.h"
#include "io/sheet.h"
#include "io/workbook_file.h"
#include "io/xlsx_marker.h"
#include "text/utf8.h"

namespace vetkit {
namespace {

// Excel's limits. libxlsxwriter refuses what lies beyond them; checking first gives the
// operator a message that names the sheet and row instead of a bare library error.
constexpr int kMaxRows = LXW_ROW_MAX;
constexpr int kMaxCols = LXW_COL_MAX;
constexpr size_t kMaxCellText = 32767;  // UTF-16 units in one cell
constexpr size_t kMaxSheetName = 31;    // UTF-16 units
// A cell with dozens of findings still gets a comment box that fits on a screen.
constexpr size_t kMaxCommentLines = 20;
constexpr size_t kMaxCommentText = 4000;
// The comment box: wide enough for a Chinese message of ~22 characters a line at 10 pt.
constexpr int kCommentWidth = 360;
constexpr size_t kCommentColumns = 44;  // display columns (CJK = 2) a box line holds
constexpr int kCommentLineHeight = 17;

constexpr lxw_color_t kErrorFill = 0xFFC7CE, kErrorFont = 0x9C0006;
constexpr lxw_color_t kWarningFill = 0xFFEB9C, kWarningFont = 0x9C5700;

// The summary sheet's words and the comments' phrases in the chosen language, from
// messages.yaml (annotate-* keys; the severities as the report names them).
struct Labels {
  Labels(const Messages& messages, Lang lang) : m(messages), lang(lang) {}
  std::string operator()(const char* code, MessageArgs args = {}) const {
    return m.format(code, lang, args);
  }
  const Messages& m;
  Lang lang;
  const std::string summary = (*this)("annotate-summary");          // the summary sheet's name
  const std::string summary_alt = (*this)("annotate-summary-alt");  // when the input has one
  const std::string file = (*this)("annotate-file"), code = (*this)("annotate-code"),
                    severity = (*this)("annotate-severity"), count = (*this)("annotate-count"),
                    location = (*this)("annotate-location"), message = (*this)("annotate-message"),
                    total = (*this)("annotate-total"), all = (*this)("annotate-all"),
                    whole_file = (*this)("annotate-whole-file");
  const std::string severities[3] = {(*this)("report-error"), (*this)("report-warning"),
                                     (*this)("report-note")};  // by Severity
};

// A diagnostic placed on a cell of the copy.
struct Placed {
  int row;  // 1-based, as in the input
  int col;  // 0-based; findings about a whole row sit on its first cell
  const Diagnostic* d;
};

// The inverse of columnLetter(): "A" is 0, "AA" 26; -1 when `letters` names no column of an
// Excel sheet.
int columnIndex(std::string_view letters) {
  if (letters.empty() || letters.size() > 3) return -1;
  int n = 0;
  for (char c : letters) {
    if (c >= 'a' && c <= 'z') c = char(c - 'a' + 'A');
    if (c < 'A' || c > 'Z') return -1;
    n = n * 26 + (c - 'A' + 1);
  }
  return n <= kMaxCols ? n - 1 : -1;
}

std::string fileStem(const std::string& path) {
  std::string name = baseName(path);
  size_t dot = name.find_last_of('.');
  return dot == 0 || dot == std::string::npos ? name : name.substr(0, dot);
}

// The longest prefix of `s` within `units` UTF-16 code units, which is how Excel counts its
// limits, cut between characters.
std::string_view prefixUtf16(std::string_view s, size_t units) {
  if (s.size() <= units) return s;  // a UTF-16 unit takes at least one UTF-8 byte
  size_t pos = 0, used = 0;
  while (pos < s.size()) {
    size_t next = pos;
    size_t w = decodeUtf8(s, &next) > 0xFFFF ? 2 : 1;
    if (used + w > units) break;
    used += w;
    pos = next;
  }
  return s.substr(0, pos);
}

std::string foldAscii(std::string s) {
  for (char& c : s)
    if (c >= 'A' && c <= 'Z') c = char(c - 'A' + 'a');
  return s;
}

// A name Excel accepts for `name`: no []:*?/\, no apostrophe at either end, 31 units at most.
std::string sheetName(std::string_view name) {
  std::string out;
  for (char c : name) out += c != '\0' && std::strchr("[]:*?/\\", c) ? '_' : c;
  out = std::string(prefixUtf16(out, kMaxSheetName));
  while (!out.empty() && out.front() == '\'') out.erase(0, 1);
  while (!out.empty() && out.back() == '\'') out.pop_back();
  return out.empty() ? "Sheet" : out;
}

// `wanted`, or `wanted (2)` and so on when a sheet already has that name; Excel compares
// names without regard to case.
std::string uniqueName(const std::string& wanted, std::vector<std::string>* taken) {
  auto used = [&](const std::string& n) {
    return std::find(taken->begin(), taken->end(), foldAscii(n)) != taken->end();
  };
  std::string name = wanted;
  for (int i = 2; used(name); ++i) {
    std::string suffix = " (" + std::to_string(i) + ")";
    name = std::string(prefixUtf16(wanted, kMaxSheetName - suffix.size())) + suffix;
  }
  taken->push_back(foldAscii(name));
  return name;
}

// Where a finding is, as the operator reads it: Sheet1!F14, "Sheet1 第 14 行", or the file.
std::string describeLocation(const Diagnostic& d, const Labels& l) {
  std::string sheet = d.sheet;
  if (d.row <= 0) return sheet.empty() ? l.whole_file : sheet;
  if (!d.column.empty() && columnIndex(d.column) >= 0) {
    std::string cell = d.column + std::to_string(d.row);
    return sheet.empty() ? cell : sheet + "!" + cell;
  }
  std::string row = l("annotate-row", {{"row", std::to_string(d.row)}});
  return sheet.empty() ? row : sheet + " " + row;
}

// Display columns of a cell's first line, for the column width; long cells are cut short
// since the width is capped anyway.
size_t cellWidth(std::string_view text) {
  text = text.substr(0, std::min(text.find('\n'), size_t(240)));
  return displayWidth(text);
}

// A reader's ISO date (1978-03-05, or 1978-03-05T08:30:00) as libxlsxwriter takes it.
bool parseIsoDate(const std::string& s, lxw_datetime* out, bool* has_time) {
  int y = 0, mo = 0, d = 0, h = 0, mi = 0;
  double sec = 0;
  int n = 0;
  if (std::sscanf(s.c_str(), "%4d-%2d-%2d%n", &y, &mo, &d, &n) != 3 || n != 10) return false;
  *has_time = s.size() > 10;
  if (*has_time && std::sscanf(s.c_str() + 10, "T%2d:%2d:%lf", &h, &mi, &sec) != 3) return false;
  if (y < 1900 || mo < 1 || mo > 12 || d < 1 || d > 31) return false;
  *out = {y, mo, d, h, mi, sec};
  return true;
}

// The summary as a table, written by either path: counts per rule, errors first, each with an
// example location that links to its cell (`target` gives a sheet's name in the copy, or
// nullptr when the sheet cannot be linked to).
struct SummaryTable {
  std::vector<std::vector<SummaryCell>> rows;
  std::vector<double> widths = {24, 10, 10, 24, 60};
};

SummaryCell::Style styleOf(Severity s) {
  return s == Severity::Error     ? SummaryCell::Style::Error
         : s == Severity::Warning ? SummaryCell::Style::Warning
                                  : SummaryCell::Style::Plain;
}

template <class Target>
SummaryTable summaryTable(const std::string& input, const std::vector<const Diagnostic*>& mine,
                          const Labels& l, Target target) {
  struct Tally {
    const Diagnostic* first;
    int count;
  };
  std::map<std::pair<std::string, Severity>, Tally> by_code;
  int totals[3] = {0, 0, 0};
  for (const Diagnostic* d : mine) {
    auto [it, added] = by_code.try_emplace({d->code, d->severity}, Tally{d, 0});
    ++it->second.count;
    ++totals[int(d->severity)];
  }
  std::vector<Tally> tallies;
  for (const auto& [key, t] : by_code) tallies.push_back(t);
  // Errors first, then the commonest rules: what the operator should fix first.
  std::stable_sort(tallies.begin(), tallies.end(), [](const Tally& a, const Tally& b) {
    if (a.first->severity != b.first->severity) return a.first->severity < b.first->severity;
    return a.count > b.count;
  });

  using S = SummaryCell::Style;
  SummaryTable t;
  t.rows.push_back({{l.file, false, S::Bold, ""}, {baseName(input), false, S::Plain, ""}});
  t.rows.emplace_back();
  t.rows.push_back({{l.code, false, S::Bold, ""},
                    {l.severity, false, S::Bold, ""},
                    {l.count, false, S::Bold, ""},
                    {l.location, false, S::Bold, ""},
                    {l.message, false, S::Bold, ""}});
  for (const Tally& tally : tallies) {
    const Diagnostic& d = *tally.first;
    std::string link;
    const std::string* sheet = target(d.sheet);
    if (d.row > 0 && d.row <= kMaxRows && sheet) {
      std::string quoted;
      for (char c : *sheet) quoted += c == '\'' ? std::string("''") : std::string(1, c);
      int col = std::max(columnIndex(d.column), 0);
      link = "'" + quoted + "'!" + columnLetter(col) + std::to_string(d.row);
    }
    t.rows.push_back({{l.m.ruleName(d.code, l.lang), false, S::Plain, ""},
                      {l.severities[int(d.severity)], false, styleOf(d.severity), ""},
                      {std::to_string(tally.count), true, S::Plain, ""},
                      {describeLocation(d, l), false, S::Plain, link},
                      {d.message, false, S::Plain, ""}});
  }
  t.rows.emplace_back();
  for (Severity s : {Severity::Error, Severity::Warning, Severity::Note}) {
    if (s == Severity::Note && totals[int(s)] == 0) continue;  // notes are rare; no empty line
    t.rows.push_back({{l.total, false, S::Bold, ""},
                      {l.severities[int(s)], false, styleOf(s), ""},
                      {std::to_string(totals[int(s)]), true, S::Plain, ""}});
  }
  t.rows.push_back({{l.total, false, S::Bold, ""},
                    {l.all, false, S::Bold, ""},
                    {std::to_string(totals[0] + totals[1] + totals[2]), true, S::Plain, ""}});
  return t;
}

// One comment holding every finding on a cell, each once, capped to fit on a screen; the
// number of lines its box needs goes to `box_lines`.
std::string commentText(std::span<const Placed> diags, const Labels& l, size_t* box_lines) {
  std::vector<std::string> lines;
  for (const Placed& p : diags) {
    std::string line = p.d->code.empty() ? "" : "[" + p.d->code + "] ";
    line += p.d->message;
    if (!p.d->value.empty()) line += " (" + p.d->value + ")";
    if (std::find(lines.begin(), lines.end(), line) == lines.end()) lines.push_back(line);
  }
  std::string comment;
  *box_lines = 0;
  for (size_t i = 0; i < lines.size() && i < kMaxCommentLines; ++i) {
    if (i) comment += '\n';
    comment += lines[i];
    *box_lines +=
        std::max<size_t>(1, (displayWidth(lines[i]) + kCommentColumns - 1) / kCommentColumns);
  }
  if (lines.size() > kMaxCommentLines) {
    comment +=
        "\n" + l("annotate-more", {{"count", std::to_string(lines.size() - kMaxCommentLines)}});
    ++*box_lines;
  }
  std::string clean;
  sanitizeUtf8(prefixUtf16(comment, kMaxCommentText), &clean);
  return clean;
}

Severity worstOf(std::span<const Placed> diags) {
  Severity worst = Severity::Note;
  for (const Placed& p : diags) worst = std::min(worst, p.d->severity);
  return worst;
}

// The findings of each sheet by (row, column), in the order the rows stream in.
// `row_col`: where a finding about a whole row goes (the libxlsxwriter path puts it on column
// A; the package path on the row's first cell that holds something).
std::map<std::string, std::vector<Placed>> placeBySheet(const std::vector<const Diagnostic*>& mine,
                                                        int row_col) {
  std::map<std::string, std::vector<Placed>> by_sheet;
  for (const Diagnostic* d : mine) {
    if (d->row <= 0 || d->row > kMaxRows) continue;  // about the file or sheet: summary only
    int col = columnIndex(d->column);
    by_sheet[d->sheet].push_back({d->row, col < 0 ? row_col : col, d});
  }
  for (auto& [sheet, placed] : by_sheet)
    std::stable_sort(placed.begin(), placed.end(), [](const Placed& a, const Placed& b) {
      return a.row != b.row ? a.row < b.row : a.col < b.col;
    });
  return by_sheet;
}

class Annotator {
 public:
  Annotator(const std::string& input, const std::string& out_path, const Labels& labels,
            std::string* err)
      : input_(input), out_path_(out_path), l_(labels), err_(err) {}

  bool run(Workbook& in, const std::vector<const Diagnostic*>& mine, lxw_workbook* wb);

 private:
  bool fail(const std::string& what) {
    *err_ = out_path_ + ": " + what;
    return false;
  }
  bool failInput(const std::string& what) {
    *err_ = input_ + ": " + what;
    return false;
  }
  bool check(lxw_error e, const std::string& sheet, int row, int col) {
    if (e == LXW_NO_ERROR) return true;
    std::string cell = columnLetter(col) + std::to_string(row + 1);
    return fail((sheet.empty() ? "" : tr("sheet '{name}'", {{"name", sheet}}) + " ") +
                tr("cell {cell}: {reason}", {{"cell", cell}, {"reason", lxw_strerror(e)}}));
  }
  void makeFormats(lxw_workbook* wb);
  bool writeSummary(lxw_worksheet* ws, const std::vector<const Diagnostic*>& mine);
  bool copySheet(Workbook& in, size_t index, lxw_worksheet* ws, std::span<const Placed> placed);
  bool writeRow(lxw_worksheet* ws, int row, const CellList* cells, std::span<const Placed> diags);
  bool writeCell(lxw_worksheet* ws, int row, int col, const Cell* cell,
                 std::span<const Placed> diags);

  const std::string& input_;
  const std::string& out_path_;
  const Labels& l_;
  std::string* err_;
  lxw_format *text_ = nullptr, *error_ = nullptr, *warning_ = nullptr, *header_ = nullptr;
  lxw_format* texts_[3] = {};     // by Severity: error, warning, note (uncoloured)
  lxw_format* dates_[2][3] = {};  // [has a time][Severity]
  std::string summary_name_;
  std::string sheet_;                                // input name of the sheet being copied
  std::vector<size_t> widths_;                       // widest cell of each column of that sheet
  std::map<std::string, std::string> link_targets_;  // visible sheet's name -> name in the copy
};

void Annotator::makeFormats(lxw_workbook* wb) {
  // Text format ("@") on every copied cell, so a number the operator types into the copy
  // stays as typed: an 18-digit ID number would otherwise lose its last digits.
  text_ = workbook_add_format(wb);
  format_set_num_format(text_, "@");
  error_ = workbook_add_format(wb);
  format_set_num_format(error_, "@");
  format_set_bg_color(error_, kErrorFill);
  format_set_font_color(error_, kErrorFont);
  warning_ = workbook_add_format(wb);
  format_set_num_format(warning_, "@");
  format_set_bg_color(warning_, kWarningFill);
  format_set_font_color(warning_, kWarningFont);
  header_ = workbook_add_format(wb);
  format_set_bold(header_);
  texts_[0] = error_, texts_[1] = warning_, texts_[2] = text_;
  // Date cells (of an .ods or .xls) stay dates, shown as the ISO dates the importer reads.
  for (int t = 0; t < 2; ++t)
    for (int level = 0; level < 3; ++level) {
      lxw_format* f = dates_[t][level] = workbook_add_format(wb);
      format_set_num_format(f, t ? "yyyy-mm-dd hh:mm:ss" : "yyyy-mm-dd");
      if (level < 2) {
        format_set_bg_color(f, level == 0 ? kErrorFill : kWarningFill);
        format_set_font_color(f, level == 0 ? kErrorFont : kWarningFont);
      }
    }
}

bool Annotator::run(Workbook& in, const std::vector<const Diagnostic*>& mine, lxw_workbook* wb) {
  makeFormats(wb);
  const std::vector<SheetInfo>& sheets = in.sheets();

  // The input's sheets keep their names where Excel allows them; the summary gives way.
  std::vector<std::string> taken, names;
  for (const SheetInfo& s : sheets) {
    std::string wanted = s.name.empty() ? sheetName(fileStem(input_)) : sheetName(s.name);
    names.push_back(uniqueName(wanted, &taken));
    if (!s.hidden) link_targets_[s.name] = names.back();  // a link into a hidden sheet goes nowhere
  }
  summary_name_ = uniqueName(
      std::find(taken.begin(), taken.end(), foldAscii(l_.summary)) == taken.end() ? l_.summary
                                                                                  : l_.summary_alt,
      &taken);

  lxw_worksheet* summary = workbook_add_worksheet(wb, summary_name_.c_str());
  if (!summary) return fail(tr("cannot add sheet '{name}'", {{"name", summary_name_}}));
  std::vector<lxw_worksheet*> copies;
  for (size_t i = 0; i < sheets.size(); ++i) {
    lxw_worksheet* ws = workbook_add_worksheet(wb, names[i].c_str());
    if (!ws) return fail(tr("cannot add sheet '{name}'", {{"name", names[i]}}));
    if (sheets[i].hidden) worksheet_hide(ws);
    worksheet_set_comments_author(ws, "vetkit");
    copies.push_back(ws);
  }
  worksheet_activate(summary);

  // Index the findings by (sheet, row, column) once, so that copying walks them in step
  // with the rows as they stream in.
  std::map<std::string, std::vector<Placed>> by_sheet = placeBySheet(mine, 0);
  if (!writeSummary(summary, mine)) return false;
  for (size_t i = 0; i < sheets.size(); ++i) {
    auto it = by_sheet.find(sheets[i].name);
    std::span<const Placed> placed;
    if (it != by_sheet.end()) placed = it->second;
    if (!copySheet(in, i, copies[i], placed)) return false;
  }
  return true;
}

bool Annotator::writeSummary(lxw_worksheet* ws, const std::vector<const Diagnostic*>& mine) {
  SummaryTable table = summaryTable(input_, mine, l_, [&](const std::string& sheet) {
    auto it = link_targets_.find(sheet);
    return it == link_targets_.end() ? nullptr : &it->second;
  });
  for (size_t r = 0; r < table.rows.size(); ++r) {
    for (size_t c = 0; c < table.rows[r].size(); ++c) {
      const SummaryCell& cell = table.rows[r][c];
      lxw_format* f = cell.style == SummaryCell::Style::Bold      ? header_
                      : cell.style == SummaryCell::Style::Error   ? error_
                      : cell.style == SummaryCell::Style::Warning ? warning_
                                                                  : nullptr;
      lxw_row_t row = lxw_row_t(r);
      lxw_col_t col = lxw_col_t(c);
      lxw_error e = cell.number ? worksheet_write_number(ws, row, col, std::stod(cell.text), f)
                    : cell.link.empty()
                        ? worksheet_write_string(ws, row, col, cell.text.c_str(), f)
                        : worksheet_write_url_opt(ws, row, col, ("internal:" + cell.link).c_str(),
                                                  nullptr, cell.text.c_str(), nullptr);
      if (!check(e, summary_name_, int(r), int(c))) return false;
    }
  }
  for (size_t c = 0; c < table.widths.size(); ++c)
    worksheet_set_column(ws, lxw_col_t(c), lxw_col_t(c), table.widths[c], nullptr);
  return true;
}

bool Annotator::copySheet(Workbook& in, size_t index, lxw_worksheet* ws,
                          std::span<const Placed> placed) {
  sheet_ = in.sheets()[index].name;
  widths_.clear();
  size_t next = 0;   // the first finding not yet written
  int last_row = 0;  // rows must arrive in order: libxlsxwriter writes each row out when done
  bool failed = false;

  // Findings on rows the reader does not deliver (empty rows, or past the end of the data)
  // still get their cell, written in row order between the rows that are there.
  auto flushBefore = [&](int row) {
    while (next < placed.size() && placed[next].row < row) {
      size_t end = next;
      while (end < placed.size() && placed[end].row == placed[next].row) ++end;
      if (!writeRow(ws, placed[next].row, nullptr, placed.subspan(next, end - next))) return false;
      next = end;
    }
    return true;
  };

  std::string read_err;
  bool ok = in.readSheet(
      index,
      [&](const Row& row) {
        std::string where = sheet_.empty() ? "" : tr("sheet '{name}'", {{"name", sheet_}}) + " ";
        if (row.number > kMaxRows) {
          failed = true;
          return failInput(
              where + tr("row {row}: more rows than an xlsx sheet holds ({max})",
                         {{"row", std::to_string(row.number)}, {"max", std::to_string(kMaxRows)}}));
        }
        if (row.number <= last_row) {
          failed = true;
          return failInput(
              where +
              tr("row {row} comes after row {last}; cannot copy a sheet whose rows are "
                 "out of order",
                 {{"row", std::to_string(row.number)}, {"last", std::to_string(last_row)}}));
        }
        if (!flushBefore(row.number)) {
          failed = true;
          return false;
        }
        size_t end = next;
        while (end < placed.size() && placed[end].row == row.number) ++end;
        if (!writeRow(ws, row.number, &row.cells, placed.subspan(next, end - next))) {
          failed = true;
          return false;
        }
        next = end;
        last_row = row.number;
        return true;
      },
      &read_err);
  if (failed) return false;
  if (!ok) {
    *err_ = input_ + ": " +
            (sheet_.empty() ? "" : tr("sheet '{name}'", {{"name", sheet_}}) + ": ") + read_err;
    return false;
  }
  if (!flushBefore(INT_MAX)) return false;

  // Wide enough for the widest first line of each column (CJK characters count two), within
  // reason: an address column should not push the rest off the screen.
  for (size_t c = 0; c < widths_.size(); ++c)
    if (widths_[c] > 0)
      worksheet_set_column(ws, lxw_col_t(c), lxw_col_t(c),
                           double(std::clamp<size_t>(widths_[c] + 2, 8, 60)), nullptr);
  return true;
}

bool Annotator::writeRow(lxw_worksheet* ws, int row, const CellList* cells,
                         std::span<const Placed> diags) {
  size_t ci = 0, di = 0, nc = cells ? cells->size() : 0;
  while (ci < nc || di < diags.size()) {
    int col = INT_MAX;
    if (ci < nc) col = (*cells)[ci].col;
    if (di < diags.size()) col = std::min(col, diags[di].col);
    const Cell* cell = nullptr;
    if (ci < nc && (*cells)[ci].col == col) cell = &(*cells)[ci++];
    size_t end = di;
    while (end < diags.size() && diags[end].col == col) ++end;
    if (!writeCell(ws, row, col, cell, diags.subspan(di, end - di))) return false;
    di = end;
  }
  return true;
}

bool Annotator::writeCell(lxw_worksheet* ws, int row, int col, const Cell* cell,
                          std::span<const Placed> diags) {
  if (col >= kMaxCols)
    return failInput((sheet_.empty() ? "" : tr("sheet '{name}'", {{"name", sheet_}}) + " ") +
                     tr("row {row}: more columns than an xlsx sheet holds ({max})",
                        {{"row", std::to_string(row)}, {"max", std::to_string(kMaxCols)}}));
  lxw_row_t r = lxw_row_t(row - 1);
  lxw_col_t c = lxw_col_t(col);
  int level = diags.empty() ? 2 : int(worstOf(diags));  // a note is not coloured

  if (cell) {
    const std::string& text = cell->text;
    if (widths_.size() <= size_t(col)) widths_.resize(col + 1);
    widths_[col] = std::max(widths_[col], cellWidth(text));
    lxw_datetime when;
    bool has_time = false;
    if (cell->kind == Cell::Kind::Date && parseIsoDate(text, &when, &has_time)) {
      // A date stays a date: the operator's sheet sorts and filters it as one.
      lxw_format* f = dates_[has_time][level];
      if (!check(worksheet_write_datetime(ws, r, c, &when, f), sheet_, row - 1, col)) return false;
    } else {
      // Only a CSV cell can exceed Excel's limit; cutting it beats refusing the whole copy.
      std::string cut(prefixUtf16(text, kMaxCellText));
      if (!check(worksheet_write_string(ws, r, c, cut.c_str(), texts_[level]), sheet_, row - 1,
                 col))
        return false;
    }
  } else if (!diags.empty()) {
    if (!check(worksheet_write_blank(ws, r, c, texts_[level]), sheet_, row - 1, col)) return false;
  }
  if (diags.empty()) return true;

  size_t box_lines = 0;
  std::string clean = commentText(diags, l_, &box_lines);
  lxw_comment_options opt = {};
  opt.width = kCommentWidth;
  opt.height = uint16_t(std::clamp<size_t>(12 + kCommentLineHeight * box_lines, 74, 500));
  opt.font_size = 10;  // the default 8 pt makes Chinese characters hard to read
  return check(worksheet_write_comment_opt(ws, r, c, clean.c_str(), &opt), sheet_, row - 1, col);
}

// Marks for the package path: one per cell, the worst severity's colour, every finding in the
// comment.
std::map<std::string, std::vector<CellMark>> marksOf(const std::vector<const Diagnostic*>& mine,
                                                     const Labels& l) {
  std::map<std::string, std::vector<CellMark>> out;
  for (auto& [sheet, placed] : placeBySheet(mine, -1)) {
    std::vector<CellMark>& marks = out[sheet];
    std::span<const Placed> all(placed);
    for (size_t i = 0; i < all.size();) {
      size_t end = i;
      while (end < all.size() && all[end].row == all[i].row && all[end].col == all[i].col) ++end;
      std::span<const Placed> here = all.subspan(i, end - i);
      size_t box_lines = 0;
      Severity worst = worstOf(here);
      marks.push_back({all[i].row, all[i].col,
                       worst == Severity::Error     ? MarkLevel::Error
                       : worst == Severity::Warning ? MarkLevel::Warning
                                                    : MarkLevel::Note,
                       commentText(here, l, &box_lines)});
      i = end;
    }
  }
  return out;
}

// An .xlsx is marked in its own package (xlsx_marker.h): the operator's workbook as it was,
// with the marked cells' fills and comments and the summary sheet added.
bool markXlsxCopy(const std::string& input, const std::vector<const Diagnostic*>& mine,
                  const std::string& out_path, const Labels& l, std::string* err) {
  std::vector<std::string> names, taken;
  if (!xlsxSheetNames(input, &names, err)) {
    *err = input + ": " + *err;
    return false;
  }
  for (const std::string& n : names) taken.push_back(foldAscii(n));
  XlsxMarking marking;
  marking.summary_name = uniqueName(
      std::find(taken.begin(), taken.end(), foldAscii(l.summary)) == taken.end() ? l.summary
                                                                                 : l.summary_alt,
      &taken);
  SummaryTable table = summaryTable(input, mine, l, [&](const std::string& sheet) {
    auto it = std::find(names.begin(), names.end(), sheet);
    return it == names.end() ? nullptr : &*it;
  });
  marking.summary = std::move(table.rows);
  marking.summary_widths = std::move(table.widths);
  marking.marks = marksOf(mine, l);

  WorkbookFile file;
  std::string tmp = file.openPath(out_path, err);
  if (tmp.empty()) return false;
  if (!markXlsx(input, tmp, marking, err)) {
    *err = input + ": " + *err;
    return false;
  }
  return file.commit(err);
}

// The first bytes of a zip that is not an OpenDocument file: an .xlsx package.
bool isXlsxPackage(const std::string& path) {
  char magic[4] = {};
  FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) return false;
  size_t got = std::fread(magic, 1, sizeof magic, f);
  std::fclose(f);
  return got == 4 && std::memcmp(magic, "PK\x03\x04", 4) == 0 && !isOds(path);
}

}  // namespace

bool writeAnnotatedWorkbook(const std::string& input, const std::vector<Diagnostic>& diags,
                            const std::string& out_path, const AnnotateOptions& options,
                            std::string* err) {
  if (input == "-") {
    *err = tr("cannot annotate standard input: it cannot be read a second time");
    return false;
  }
  if (out_path == "-") {
    *err = tr("cannot write the annotated workbook to standard output; name a file");
    return false;
  }
  // Renaming over the input would replace the operator's own file with the copy.
  struct stat in_st, out_st;
  if (stat(input.c_str(), &in_st) == 0 && stat(out_path.c_str(), &out_st) == 0 &&
      in_st.st_dev == out_st.st_dev && in_st.st_ino == out_st.st_ino) {
    *err = out_path + ": " + tr("is the input itself; choose another name for the annotated copy");
    return false;
  }

  const std::string name = baseName(input);
  std::vector<const Diagnostic*> mine;
  for (const Diagnostic& d : diags)
    if (baseName(d.file) == name) mine.push_back(&d);
  Messages none;
  Labels labels(options.messages ? *options.messages : none, options.lang);
  if (isXlsxPackage(input)) return markXlsxCopy(input, mine, out_path, labels, err);

  // Anything else (CSV, .ods, .xls) is rebuilt as a new workbook, cell by cell.
  std::unique_ptr<Workbook> in = openTable(input, options.csv, err);
  if (!in) {
    *err = input + ": " + *err;
    return false;
  }

  // Constant memory: each row goes to disk once the next begins, so a sheet of 10^5 rows
  // costs one row of memory; comments are kept aside and, like cells, written in row order.
  WorkbookFile file;
  lxw_workbook* wb = file.open(out_path, true, err);
  if (!wb) return false;
  Annotator annotator(input, out_path, labels, err);
  if (!annotator.run(*in, mine, wb)) return false;
  return file.commit(err);
}

}  // namespace vetkit
