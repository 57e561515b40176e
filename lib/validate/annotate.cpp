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
#include "io/input.h"
#include "io/sheet.h"
#include "io/workbook_file.h"
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
    std::string where = sheet.empty() ? "" : "sheet '" + sheet + "' ";
    return fail(where + "cell " + columnLetter(col) + std::to_string(row + 1) + ": " +
                lxw_strerror(e));
  }
  void makeFormats(lxw_workbook* wb);
  lxw_format* formatFor(Severity s) const {
    return s == Severity::Error ? error_ : s == Severity::Warning ? warning_ : text_;
  }
  bool writeSummary(lxw_worksheet* ws, const std::vector<const Diagnostic*>& mine);
  bool copySheet(Workbook& in, size_t index, lxw_worksheet* ws, std::span<const Placed> placed);
  bool writeRow(lxw_worksheet* ws, int row, const CellList* cells, std::span<const Placed> diags);
  bool writeCell(lxw_worksheet* ws, int row, int col, const std::string* text,
                 std::span<const Placed> diags);

  const std::string& input_;
  const std::string& out_path_;
  const Labels& l_;
  std::string* err_;
  lxw_format *text_ = nullptr, *error_ = nullptr, *warning_ = nullptr, *header_ = nullptr;
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
  if (!summary) return fail("cannot add sheet '" + summary_name_ + "'");
  std::vector<lxw_worksheet*> copies;
  for (size_t i = 0; i < sheets.size(); ++i) {
    lxw_worksheet* ws = workbook_add_worksheet(wb, names[i].c_str());
    if (!ws) return fail("cannot add sheet '" + names[i] + "'");
    if (sheets[i].hidden) worksheet_hide(ws);
    worksheet_set_comments_author(ws, "vetkit");
    copies.push_back(ws);
  }
  worksheet_activate(summary);

  // Index the findings by (sheet, row, column) once, so that copying walks them in step
  // with the rows as they stream in.
  std::map<std::string, std::vector<Placed>> by_sheet;
  for (const Diagnostic* d : mine) {
    if (d->row <= 0 || d->row > kMaxRows) continue;  // about the file or sheet: summary only
    int col = columnIndex(d->column);
    by_sheet[d->sheet].push_back({d->row, col < 0 ? 0 : col, d});
  }
  for (auto& [sheet, placed] : by_sheet)
    std::stable_sort(placed.begin(), placed.end(), [](const Placed& a, const Placed& b) {
      return a.row != b.row ? a.row < b.row : a.col < b.col;
    });

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
  std::vector<Tally> rows;
  for (const auto& [key, t] : by_code) rows.push_back(t);
  // Errors first, then the commonest rules: what the operator should fix first.
  std::stable_sort(rows.begin(), rows.end(), [](const Tally& a, const Tally& b) {
    if (a.first->severity != b.first->severity) return a.first->severity < b.first->severity;
    return a.count > b.count;
  });

  lxw_row_t r = 0;
  auto text = [&](lxw_col_t c, const std::string& s, lxw_format* f) {
    return check(worksheet_write_string(ws, r, c, s.c_str(), f), summary_name_, int(r), c);
  };
  auto number = [&](lxw_col_t c, int n) {
    return check(worksheet_write_number(ws, r, c, n, nullptr), summary_name_, int(r), c);
  };
  if (!text(0, l_.file, header_) || !text(1, baseName(input_), nullptr)) return false;
  r = 2;
  const std::string* heads[] = {&l_.code, &l_.severity, &l_.count, &l_.location, &l_.message};
  for (lxw_col_t c = 0; c < 5; ++c)
    if (!text(c, *heads[c], header_)) return false;
  for (const Tally& t : rows) {
    ++r;
    const Diagnostic& d = *t.first;
    if (!text(0, d.code, nullptr) ||
        !text(1, l_.severities[int(d.severity)], formatFor(d.severity)) || !number(2, t.count))
      return false;
    std::string where = describeLocation(d, l_);
    auto sheet = link_targets_.find(d.sheet);
    if (d.row > 0 && d.row <= kMaxRows && sheet != link_targets_.end()) {
      // A link to the example cell: one click takes the operator there.
      std::string quoted;
      for (char c : sheet->second) quoted += c == '\'' ? std::string("''") : std::string(1, c);
      int col = std::max(columnIndex(d.column), 0);
      std::string url = "internal:'" + quoted + "'!" + columnLetter(col) + std::to_string(d.row);
      if (!check(worksheet_write_url_opt(ws, r, 3, url.c_str(), nullptr, where.c_str(), nullptr),
                 summary_name_, int(r), 3))
        return false;
    } else if (!text(3, where, nullptr)) {
      return false;
    }
    if (!text(4, d.message, nullptr)) return false;
  }
  r += 2;
  for (Severity s : {Severity::Error, Severity::Warning, Severity::Note}) {
    if (s == Severity::Note && totals[int(s)] == 0) continue;  // notes are rare; no empty line
    if (!text(0, l_.total, header_) || !text(1, l_.severities[int(s)], formatFor(s)) ||
        !number(2, totals[int(s)]))
      return false;
    ++r;
  }
  if (!text(0, l_.total, header_) || !text(1, l_.all, header_) ||
      !number(2, totals[0] + totals[1] + totals[2]))
    return false;

  worksheet_set_column(ws, 0, 0, 24, nullptr);
  worksheet_set_column(ws, 1, 2, 10, nullptr);
  worksheet_set_column(ws, 3, 3, 24, nullptr);
  worksheet_set_column(ws, 4, 4, 60, nullptr);
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
        std::string where = sheet_.empty() ? "" : "sheet '" + sheet_ + "' ";
        if (row.number > kMaxRows) {
          failed = true;
          return failInput(where + "row " + std::to_string(row.number) +
                           ": more rows than an xlsx sheet holds (" + std::to_string(kMaxRows) +
                           ")");
        }
        if (row.number <= last_row) {
          failed = true;
          return failInput(where + "row " + std::to_string(row.number) + " comes after row " +
                           std::to_string(last_row) +
                           "; cannot copy a sheet whose rows are out of order");
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
    *err_ = input_ + ": " + (sheet_.empty() ? "" : "sheet '" + sheet_ + "': ") + read_err;
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
    const std::string* text = nullptr;
    if (ci < nc && (*cells)[ci].col == col) text = &(*cells)[ci++].text;
    size_t end = di;
    while (end < diags.size() && diags[end].col == col) ++end;
    if (!writeCell(ws, row, col, text, diags.subspan(di, end - di))) return false;
    di = end;
  }
  return true;
}

bool Annotator::writeCell(lxw_worksheet* ws, int row, int col, const std::string* text,
                          std::span<const Placed> diags) {
  if (col >= kMaxCols)
    return failInput((sheet_.empty() ? "" : "sheet '" + sheet_ + "' ") + "row " +
                     std::to_string(row) + ": more columns than an xlsx sheet holds (" +
                     std::to_string(kMaxCols) + ")");
  lxw_row_t r = lxw_row_t(row - 1);
  lxw_col_t c = lxw_col_t(col);
  Severity worst = Severity::Note;
  for (const Placed& p : diags) worst = std::min(worst, p.d->severity);
  lxw_format* format = diags.empty() ? text_ : formatFor(worst);

  if (text) {
    if (widths_.size() <= size_t(col)) widths_.resize(col + 1);
    widths_[col] = std::max(widths_[col], cellWidth(*text));
    // Only a CSV cell can exceed Excel's limit; cutting it beats refusing the whole copy.
    std::string cut(prefixUtf16(*text, kMaxCellText));
    if (!check(worksheet_write_string(ws, r, c, cut.c_str(), format), sheet_, row - 1, col))
      return false;
  } else if (!diags.empty()) {
    if (!check(worksheet_write_blank(ws, r, c, format), sheet_, row - 1, col)) return false;
  }
  if (diags.empty()) return true;

  // One comment holding every finding on the cell, each once.
  std::vector<std::string> lines;
  for (const Placed& p : diags) {
    std::string line = p.d->code.empty() ? "" : "[" + p.d->code + "] ";
    line += p.d->message;
    if (!p.d->value.empty()) line += " (" + p.d->value + ")";
    if (std::find(lines.begin(), lines.end(), line) == lines.end()) lines.push_back(line);
  }
  std::string comment;
  size_t box_lines = 0;
  for (size_t i = 0; i < lines.size() && i < kMaxCommentLines; ++i) {
    if (i) comment += '\n';
    comment += lines[i];
    box_lines +=
        std::max<size_t>(1, (displayWidth(lines[i]) + kCommentColumns - 1) / kCommentColumns);
  }
  if (lines.size() > kMaxCommentLines) {
    comment +=
        "\n" + l_("annotate-more", {{"count", std::to_string(lines.size() - kMaxCommentLines)}});
    ++box_lines;
  }
  std::string clean;
  sanitizeUtf8(prefixUtf16(comment, kMaxCommentText), &clean);

  lxw_comment_options opt = {};
  opt.width = kCommentWidth;
  opt.height = uint16_t(std::clamp<size_t>(12 + kCommentLineHeight * box_lines, 74, 500));
  opt.font_size = 10;  // the default 8 pt makes Chinese characters hard to read
  return check(worksheet_write_comment_opt(ws, r, c, clean.c_str(), &opt), sheet_, row - 1, col);
}

}  // namespace

bool writeAnnotatedWorkbook(const std::string& input, const std::vector<Diagnostic>& diags,
                            const std::string& out_path, const AnnotateOptions& options,
                            std::string* err) {
  if (input == "-") {
    *err = "cannot annotate standard input: it cannot be read a second time";
    return false;
  }
  if (out_path == "-") {
    *err = "cannot write the annotated workbook to standard output; name a file";
    return false;
  }
  // Renaming over the input would replace the operator's own file with the copy.
  struct stat in_st, out_st;
  if (stat(input.c_str(), &in_st) == 0 && stat(out_path.c_str(), &out_st) == 0 &&
      in_st.st_dev == out_st.st_dev && in_st.st_ino == out_st.st_ino) {
    *err = out_path + ": is the input itself; choose another name for the annotated copy";
    return false;
  }

  std::unique_ptr<Workbook> in = openTable(input, options.csv, err);
  if (!in) {
    *err = input + ": " + *err;
    return false;
  }

  const std::string name = baseName(input);
  std::vector<const Diagnostic*> mine;
  for (const Diagnostic& d : diags)
    if (baseName(d.file) == name) mine.push_back(&d);

  // Constant memory: each row goes to disk once the next begins, so a sheet of 10^5 rows
  // costs one row of memory; comments are kept aside and, like cells, written in row order.
  WorkbookFile file;
  lxw_workbook* wb = file.open(out_path, true, err);
  if (!wb) return false;
  Messages none;
  Labels labels(options.messages ? *options.messages : none, options.lang);
  Annotator annotator(input, out_path, labels, err);
  if (!annotator.run(*in, mine, wb)) return false;
  return file.commit(err);
}

}  // namespace vetkit
