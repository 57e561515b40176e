#include "io/xlsx_marker.h"

#include "core/text_catalogue.h"

#include <algorithm>
#include <climits>
#include <cstdio>
#include <map>
#include <memory>
#include <string_view>
#include <utility>

#include "io/sheet.h"
#include "io/xml_tags.h"
#include "io/zip_file.h"
#include "io/zip_writer.h"

namespace vetkit {

namespace {

constexpr const char* kMainNs = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
constexpr const char* kRelNs =
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
constexpr const char* kPkgRelNs = "http://schemas.openxmlformats.org/package/2006/relationships";
constexpr const char* kCommentsType =
    "application/vnd.openxmlformats-officedocument.spreadsheetml.comments+xml";
constexpr const char* kWorksheetType =
    "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml";
constexpr const char* kStylesType =
    "application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml";
constexpr const char* kVmlType = "application/vnd.openxmlformats-officedocument.vmlDrawing";

// Excel's "light red fill" and "yellow fill" of its highlight rules, which operators know.
constexpr const char* kFillRgb[2] = {"FFFFC7CE", "FFFFEB9C"};  // by MarkLevel (error, warning)

constexpr size_t kFlushAt = 1 << 20;  // bytes of sheet XML gathered before deflating them
constexpr int kMaxSheetRows = 1048576;
constexpr size_t kMaxHeldRow = size_t(64) << 20;

bool endsWith(std::string_view s, std::string_view tail) {
  return s.size() >= tail.size() && s.substr(s.size() - tail.size()) == tail;
}

std::string dirOf(const std::string& part) {
  size_t slash = part.rfind('/');
  return slash == std::string::npos ? "" : part.substr(0, slash + 1);
}

// The relationships part of `part`: xl/worksheets/sheet1.xml -> xl/worksheets/_rels/sheet1.xml.rels
std::string relsPartOf(const std::string& part) {
  std::string dir = dirOf(part);
  return dir + "_rels/" + part.substr(dir.size()) + ".rels";
}

// `to` as a target relative to the directory `from_dir` (both under the package root), as
// Excel writes them: worksheets/sheet3.xml from xl/, ../comments1.xml from xl/worksheets/.
std::string relativeTarget(const std::string& from_dir, const std::string& to) {
  size_t common = 0;
  for (size_t i = 0; i < from_dir.size() && i < to.size() && from_dir[i] == to[i]; ++i)
    if (from_dir[i] == '/') common = i + 1;
  std::string up;
  for (size_t i = common; i < from_dir.size(); ++i)
    if (from_dir[i] == '/') up += "../";
  return up + to.substr(common);
}

struct Rel {
  std::string id, type, target;  // target resolved to a part name
  bool external = false;
};

std::vector<Rel> parseRels(std::string_view xml, const std::string& dir) {
  std::vector<Rel> out;
  forEachXmlTag(xml, [&](const XmlTag& t, size_t) {
    if (!t.opens() || !t.is("Relationship")) return true;
    Rel r;
    std::string_view v;
    if (t.attr("Id", &v)) r.id = xmlUnescape(v);
    if (t.attr("Type", &v)) r.type = xmlUnescape(v);
    if (t.attr("TargetMode", &v)) r.external = v == "External";
    if (t.attr("Target", &v))
      r.target = r.external ? xmlUnescape(v) : resolveTarget(dir, xmlUnescape(v));
    out.push_back(std::move(r));
    return true;
  });
  return out;
}

// The offset just before the end tag of the first element `local` (e.g. "</sheets>"), or npos;
// `*empty` is set to the offset of an empty-element tag <local/> instead, when that is what is
// there.
struct Found {
  size_t start = std::string::npos;  // of the start (or empty) tag
  size_t start_len = 0;
  size_t end = std::string::npos;  // of the end tag
  std::string prefix;
  bool empty = false;
};

Found findElement(std::string_view xml, std::string_view local) {
  Found f;
  int depth = 0;
  forEachXmlTag(xml, [&](const XmlTag& t, size_t at) {
    if (f.start == std::string::npos) {
      if (t.opens() && t.is(local)) {
        f.start = at;
        f.start_len = t.text.size();
        f.prefix = std::string(t.prefix);
        if (t.kind == XmlTag::Kind::Empty) {
          f.empty = true;
          return false;
        }
        depth = 1;
      }
      return true;
    }
    if (t.kind == XmlTag::Kind::Start && t.is(local)) ++depth;
    if (t.kind == XmlTag::Kind::End && t.is(local) && --depth == 0) {
      f.end = at;
      return false;
    }
    return true;
  });
  return f;
}

// How an element we add names its relationship: `r:id="…"` under the prefix the document's
// root already declares for the relationships namespace, or with a declaration of its own.
std::string relIdAttr(std::string_view root_tag, const std::string& id) {
  std::string decl = std::string("=\"") + kRelNs + "\"";
  size_t at = root_tag.find(decl);
  if (at != std::string_view::npos) {
    size_t name = root_tag.rfind("xmlns:", at);
    if (name != std::string_view::npos && root_tag.find_first_of(" \t\r\n", name) > at)
      return std::string(root_tag.substr(name + 6, at - name - 6)) + ":id=\"" + id + "\"";
  }
  return std::string("xmlns:r=\"") + kRelNs + "\" r:id=\"" + id + "\"";
}

std::string qualified(const std::string& prefix, std::string_view local) {
  return prefix.empty() ? std::string(local) : prefix + ":" + std::string(local);
}

// Sets the count="" of the start tag at `f` to `count`, when it has one.
void setCount(std::string* xml, const Found& f, size_t count) {
  XmlTag t = parseXmlTag(std::string_view(*xml).substr(f.start, f.start_len));
  std::string_view v;
  if (!t.attr("count", &v)) return;
  std::string tag = t.withAttr("count", std::to_string(count));
  xml->replace(f.start, f.start_len, tag);
}

// Inserts `content` as the last children of the element `local`, creating its end tag when it
// was written empty; false when there is no such element.
bool appendChildren(std::string* xml, std::string_view local, const std::string& content,
                    size_t new_count) {
  Found f = findElement(*xml, local);
  if (f.start == std::string::npos) return false;
  if (f.empty) {
    XmlTag t = parseXmlTag(std::string_view(*xml).substr(f.start, f.start_len));
    std::string open = t.asStart();
    xml->replace(f.start, f.start_len, open + content + "</" + qualified(f.prefix, local) + ">");
    f.start_len = open.size();
  } else {
    if (f.end == std::string::npos) return false;
    xml->insert(f.end, content);
  }
  if (new_count) setCount(xml, f, new_count);
  return true;
}

// The direct children of element `local` named `child`, as their raw text.
std::vector<std::string> children(std::string_view xml, std::string_view local,
                                  std::string_view child) {
  std::vector<std::string> out;
  Found f = findElement(xml, local);
  if (f.start == std::string::npos || f.empty || f.end == std::string::npos) return out;
  std::string_view body = xml.substr(f.start + f.start_len, f.end - f.start - f.start_len);
  int depth = 0;
  size_t begin = 0;
  forEachXmlTag(body, [&](const XmlTag& t, size_t at) {
    if (t.kind == XmlTag::Kind::Start) {
      if (depth == 0) begin = at;
      ++depth;
    } else if (t.kind == XmlTag::Kind::End) {
      if (--depth == 0 && t.is(child))
        out.emplace_back(body.substr(begin, at + t.text.size() - begin));
    } else if (t.kind == XmlTag::Kind::Empty && depth == 0 && t.is(child)) {
      out.emplace_back(t.text);
    }
    return true;
  });
  return out;
}

int parseNumber(std::string_view s, int fallback) {
  if (s.empty() || s.size() > 9) return fallback;
  int n = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return fallback;
    n = n * 10 + (c - '0');
  }
  return n;
}

// "AB12" -> column 27 (0-based) and row 12; false when `ref` is not a cell reference.
bool parseRef(std::string_view ref, int* col, int* row) {
  size_t i = 0;
  int c = 0;
  while (i < ref.size() && ref[i] >= 'A' && ref[i] <= 'Z' && i < 3)
    c = c * 26 + (ref[i++] - 'A' + 1);
  if (i == 0) return false;
  int r = parseNumber(ref.substr(i), -1);
  if (r <= 0) return false;
  *col = c - 1;
  *row = r;
  return true;
}

std::string cellRef(int col, int row) {
  return columnLetter(col) + std::to_string(row);
}

// The fills added for marking and the clones of cell styles that carry them.
class Styles {
 public:
  // Parses the styles part; false when it has no cellXfs to clone.
  bool load(std::string xml) {
    xml_ = std::move(xml);
    xfs_ = children(xml_, "cellXfs", "xf");
    fills_ = children(xml_, "fills", "fill").size();
    fonts_ = children(xml_, "fonts", "font");
    Found f = findElement(xml_, "styleSheet");
    prefix_ = f.prefix;
    return !xfs_.empty() && findElement(xml_, "fills").start != std::string::npos;
  }
  static std::string minimal() {
    return std::string(
               "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<styleSheet "
               "xmlns=\"") +
           kMainNs +
           "\"><fonts count=\"1\"><font><sz val=\"11\"/><name val=\"宋体\"/></font></fonts>"
           "<fills count=\"2\"><fill><patternFill patternType=\"none\"/></fill><fill>"
           "<patternFill patternType=\"gray125\"/></fill></fills><borders count=\"1\"><border>"
           "<left/><right/><top/><bottom/><diagonal/></border></borders><cellStyleXfs "
           "count=\"1\"><xf numFmtId=\"0\" fontId=\"0\" fillId=\"0\" "
           "borderId=\"0\"/></cellStyleXfs>"
           "<cellXfs count=\"1\"><xf numFmtId=\"0\" fontId=\"0\" fillId=\"0\" borderId=\"0\" "
           "xfId=\"0\"/></cellXfs></styleSheet>";
  }

  // The style index for a cell of style `base` marked at `level` (a note keeps its style).
  int marked(int base, MarkLevel level) {
    if (level == MarkLevel::Note) return base;
    if (base < 0 || size_t(base) >= xfs_.size()) base = 0;
    auto key = std::make_pair(base, int(level));
    auto it = clones_.find(key);
    if (it != clones_.end()) return it->second;
    XmlTag t = parseXmlTag(startTagOf(xfs_[size_t(base)]));
    std::string tag = parseXmlTag(t.withAttr("fillId", std::to_string(fills_ + size_t(level))))
                          .withAttr("applyFill", "1");
    return clones_[key] = add(tag, xfs_[size_t(base)]);
  }
  // The style of the summary's headings: the default cell style in bold.
  int bold() {
    if (bold_ >= 0) return bold_;
    if (fonts_.empty()) return bold_ = 0;
    XmlTag t = parseXmlTag(startTagOf(xfs_[0]));
    std::string tag =
        parseXmlTag(t.withAttr("fontId", std::to_string(fonts_.size()))).withAttr("applyFont", "1");
    return bold_ = add(tag, xfs_[0]);
  }

  // The styles part with the fills, the bold font and the clones added.
  std::string finish() {
    std::string fills;
    for (const char* rgb : kFillRgb)
      fills += "<" + q("fill") + "><" + q("patternFill") + " patternType=\"solid\"><" +
               q("fgColor") + " rgb=\"" + rgb + "\"/><" + q("bgColor") + " indexed=\"64\"/></" +
               q("patternFill") + "></" + q("fill") + ">";
    appendChildren(&xml_, "fills", fills, fills_ + 2);
    if (bold_ > 0) {
      // The default font with <b/> first, as Excel orders a font's children.
      std::string font = fonts_[0];
      size_t close = font.find('>');
      if (font[close - 1] == '/') {
        font = parseXmlTag(font).asStart() + "</" + q("font") + ">";
        close = font.find('>');
      }
      font.insert(close + 1, "<" + q("b") + "/>");
      appendChildren(&xml_, "fonts", font, fonts_.size() + 1);
    }
    appendChildren(&xml_, "cellXfs", added_, xfs_.size() + count_);
    return std::move(xml_);
  }

 private:
  static std::string_view startTagOf(std::string_view element) {
    return element.substr(0, xmlTagLength(element));
  }
  std::string q(std::string_view local) const { return qualified(prefix_, local); }
  int add(const std::string& tag, std::string_view original) {
    std::string_view old = startTagOf(original);
    added_ += tag;
    added_.append(original.substr(old.size()));
    return int(xfs_.size() + count_++);
  }

  std::string xml_, prefix_, added_;
  std::vector<std::string> xfs_, fonts_;
  size_t fills_ = 0, count_ = 0;
  int bold_ = -1;
  std::map<std::pair<int, int>, int> clones_;
};

// A mark as it was placed: on which cell it finally sits.
struct Placed {
  int row, col;
  const CellMark* mark;
};

// Streams one worksheet through, rewriting the style of marked cells, inserting the marked
// cells that do not exist, and adding the <legacyDrawing> of its comments.
class SheetRewriter {
 public:
  SheetRewriter(const std::vector<CellMark>& marks, Styles& styles, ZipWriter& out,
                const std::string& sheet)
      : marks_(marks), styles_(styles), out_(out), sheet_(sheet) {}

  // `vml_rel` is the relationship id the <legacyDrawing> will name.
  bool run(ZipFile& zip, int index, const std::string& vml_rel, std::string* err);
  const std::vector<Placed>& placed() const { return placed_; }
  bool hadLegacyDrawing() const { return had_legacy_; }

 private:
  struct CellAt {
    int col;
    size_t offset, length;  // of its start tag in row_
    int style;
    bool has_value;
  };

  bool fail(std::string* err, const std::string& why) {
    *err = tr("sheet '{name}'", {{"name", sheet_}}) + ": " + why;
    return false;
  }
  void emit(std::string_view s) {
    if (buffering_)
      row_.append(s);
    else
      pending_.append(s);
  }
  bool flush(std::string* err, bool all = false) {
    if (pending_.size() < kFlushAt && !all) return true;
    bool ok = out_.write(pending_, err);
    pending_.clear();
    return ok;
  }
  bool tag(const XmlTag& t, std::string* err);
  // Rows of marks before row `before` that the sheet does not have, inserted.
  void newRowsBefore(int before);
  std::string newCell(int col, int row, const CellMark& m) {
    placed_.push_back({row, col, &m});
    return "<" + qualified(prefix_, "c") + " r=\"" + cellRef(col, row) + "\" s=\"" +
           std::to_string(styles_.marked(0, m.level)) + "\"/>";
  }
  void finishRow();

  const std::vector<CellMark>& marks_;
  Styles& styles_;
  ZipWriter& out_;
  const std::string& sheet_;
  std::string vml_rel_, root_tag_;
  std::string pending_;  // output not yet deflated
  std::string prefix_;   // of the sheet's elements (x:row...)
  size_t next_ = 0;      // the first mark not yet placed or passed
  int last_row_ = 0, depth_ = 0;
  bool after_data_ = false, had_legacy_ = false, drawing_added_ = false;
  // The row being held back because it has marks: its start tag, its content, its cells.
  bool buffering_ = false;
  std::string row_tag_, row_;
  std::vector<CellAt> cells_;
  int row_num_ = 0, last_col_ = -1;
  size_t row_marks_begin_ = 0, row_marks_end_ = 0;
  std::vector<Placed> placed_;
};

void SheetRewriter::newRowsBefore(int before) {
  while (next_ < marks_.size() && marks_[next_].row < before) {
    int row = marks_[next_].row;
    std::string cells;
    for (; next_ < marks_.size() && marks_[next_].row == row; ++next_)
      if (marks_[next_].col >= 0) cells += newCell(marks_[next_].col, row, marks_[next_]);
    // A finding about a row that has no cell at all stays in the summary only.
    if (!cells.empty())
      emit("<" + qualified(prefix_, "row") + " r=\"" + std::to_string(row) + "\">" + cells + "</" +
           qualified(prefix_, "row") + ">");
  }
}

void SheetRewriter::finishRow() {
  // A finding about the whole row sits on its first cell that holds something.
  const CellMark* row_mark = nullptr;
  std::vector<const CellMark*> by_col;
  for (size_t i = row_marks_begin_; i < row_marks_end_; ++i) {
    if (marks_[i].col < 0)
      row_mark = &marks_[i];
    else
      by_col.push_back(&marks_[i]);
  }
  int row_mark_col = -1;
  if (row_mark) {
    for (const CellAt& c : cells_)
      if (c.has_value) {
        row_mark_col = c.col;
        break;
      }
    if (row_mark_col >= 0) {
      auto same = std::find_if(by_col.begin(), by_col.end(),
                               [&](const CellMark* m) { return m->col == row_mark_col; });
      // One mark per cell: a cell with its own finding keeps it (the caller merged them).
      if (same == by_col.end()) {
        auto at = std::find_if(by_col.begin(), by_col.end(),
                               [&](const CellMark* m) { return m->col > row_mark_col; });
        by_col.insert(at, row_mark);
      }
    }
  }
  auto colOf = [&](const CellMark* m) { return m == row_mark ? row_mark_col : m->col; };
  std::string out = row_tag_;
  size_t copied = 0, mi = 0;
  for (const CellAt& c : cells_) {
    out.append(row_, copied, c.offset - copied);
    copied = c.offset;
    for (; mi < by_col.size() && colOf(by_col[mi]) < c.col; ++mi)
      out += newCell(colOf(by_col[mi]), row_num_, *by_col[mi]);
    if (mi < by_col.size() && colOf(by_col[mi]) == c.col) {
      const CellMark& m = *by_col[mi++];
      placed_.push_back({row_num_, c.col, &m});
      XmlTag t = parseXmlTag(std::string_view(row_).substr(c.offset, c.length));
      out += m.level == MarkLevel::Note
                 ? std::string(t.text)
                 : t.withAttr("s", std::to_string(styles_.marked(c.style, m.level)));
      copied = c.offset + c.length;
    }
  }
  // The rest of the row up to its end tag (kept in row_ last), with the marks past its cells.
  size_t end_tag = row_.rfind('<');
  out.append(row_, copied, end_tag - copied);
  for (; mi < by_col.size(); ++mi) out += newCell(colOf(by_col[mi]), row_num_, *by_col[mi]);
  out.append(row_, end_tag, std::string::npos);
  buffering_ = false;
  row_.clear();
  cells_.clear();
  emit(out);
}

bool SheetRewriter::tag(const XmlTag& t, std::string* err) {
  using K = XmlTag::Kind;
  if (depth_ == 0 && t.kind == K::Start && root_tag_.empty()) root_tag_ = std::string(t.text);
  if (t.kind == K::End) --depth_;
  if (t.is("row") && t.opens()) {
    std::string_view v;
    int row = t.attr("r", &v) ? parseNumber(v, -1) : last_row_ + 1;
    if (row <= 0 || row > kMaxSheetRows) return fail(err, tr("bad row number"));
    if (row <= last_row_)
      return fail(err, tr("row {row} comes after row {last}; cannot copy a sheet whose rows are "
                          "out of order",
                          {{"row", std::to_string(row)}, {"last", std::to_string(last_row_)}}));
    last_row_ = row;
    newRowsBefore(row);
    size_t end = next_;
    while (end < marks_.size() && marks_[end].row == row) ++end;
    if (end == next_) {
      emit(t.text);
    } else {
      buffering_ = true;
      row_num_ = row;
      last_col_ = -1;
      row_marks_begin_ = next_;
      row_marks_end_ = next_ = end;
      if (t.kind == K::Empty) {
        row_tag_ = t.asStart();
        row_ = "</" + qualified(t.prefix.empty() ? prefix_ : std::string(t.prefix), "row") + ">";
        finishRow();
      } else {
        row_tag_ = std::string(t.text);
      }
    }
    if (t.kind == K::Start) ++depth_;
    return true;
  }
  if (buffering_) {
    if (t.is("c") && t.opens()) {
      std::string_view v;
      int col = last_col_ + 1, row = row_num_;
      if (t.attr("r", &v) && !parseRef(v, &col, &row)) return fail(err, tr("bad cell reference"));
      if (col <= last_col_)
        return fail(err, tr("row {row}: cells out of order; cannot copy this sheet",
                            {{"row", std::to_string(row_num_)}}));
      last_col_ = col;
      int style = t.attr("s", &v) ? parseNumber(v, 0) : 0;
      cells_.push_back({col, row_.size(), t.text.size(), style, false});
    } else if ((t.is("v") || t.is("is")) && t.opens() && !cells_.empty()) {
      cells_.back().has_value |= t.kind == K::Start;
    }
    row_.append(t.text);
    // A marked row is held whole; the reader refuses rows past 16 MiB, so only a crafted
    // sheet comes near this.
    if (row_.size() > kMaxHeldRow)
      return fail(err, tr("row {row} too large", {{"row", std::to_string(row_num_)}}));
    if (t.kind == K::Start) ++depth_;
    if (t.kind == K::End && t.is("row")) finishRow();
    return true;
  }
  if (t.is("sheetData")) {
    if (t.kind == K::Start) {
      prefix_ = std::string(t.prefix);
    } else {
      if (t.kind == K::Empty) prefix_ = std::string(t.prefix);
      if (t.kind == K::Empty && next_ < marks_.size()) {
        emit(t.asStart());
        newRowsBefore(INT_MAX);
        emit("</" + qualified(prefix_, "sheetData") + ">");
        after_data_ = true;
        return true;
      }
      newRowsBefore(INT_MAX);
      after_data_ = true;
    }
  }
  if (t.is("legacyDrawing")) had_legacy_ = true;
  // The <legacyDrawing> goes where the schema's order puts it: before these, or at the end.
  static const std::string_view kAfter[] = {"legacyDrawingHF", "drawingHF", "picture",
                                            "oleObjects",      "controls",  "webPublishItems",
                                            "tableParts",      "extLst",    "AlternateContent"};
  if (after_data_ && !drawing_added_ && !had_legacy_ && !placed_.empty() && !vml_rel_.empty() &&
      ((depth_ == 1 && t.opens() &&
        std::find(std::begin(kAfter), std::end(kAfter), t.local) != std::end(kAfter)) ||
       (depth_ == 0 && t.kind == K::End))) {
    emit("<" + qualified(prefix_, "legacyDrawing") + " " + relIdAttr(root_tag_, vml_rel_) + "/>");
    drawing_added_ = true;
  }
  emit(t.text);
  if (t.kind == K::Start) ++depth_;
  return true;
}

bool SheetRewriter::run(ZipFile& zip, int index, const std::string& vml_rel, std::string* err) {
  vml_rel_ = vml_rel;
  auto entry = zip.openEntry(index, err);
  if (!entry) return false;
  std::string buf;
  std::vector<char> chunk(1 << 16);
  size_t pos = 0;
  bool eof = false;
  while (!eof || pos < buf.size()) {
    if (!eof) {
      long n = entry->read(chunk.data(), chunk.size(), err);
      if (n < 0) return false;
      if (n == 0) eof = true;
      buf.append(chunk.data(), size_t(n));
    }
    for (;;) {
      size_t lt = buf.find('<', pos);
      if (lt == std::string::npos) {
        emit(std::string_view(buf).substr(pos));
        pos = buf.size();
        break;
      }
      emit(std::string_view(buf).substr(pos, lt - pos));
      pos = lt;
      size_t n = xmlTagLength(std::string_view(buf).substr(lt));
      if (n == 0) {
        if (eof) return fail(err, tr("unterminated markup at the end of the sheet"));
        break;
      }
      if (!tag(parseXmlTag(std::string_view(buf).substr(lt, n)), err)) return false;
      pos = lt + n;
    }
    buf.erase(0, pos);
    pos = 0;
    if (buffering_ && row_.size() > kMaxHeldRow)
      return fail(err, tr("row {row} too large", {{"row", std::to_string(row_num_)}}));
    if (!flush(err)) return false;
  }
  if (!entry->finish(err)) return false;
  if (buffering_) return fail(err, tr("a row that never ends"));
  return flush(err, true);
}

// The VML shape type of a note, which every shape of a comment names.
constexpr const char* kNoteShapeType =
    " <v:shapetype id=\"_x0000_t202\" coordsize=\"21600,21600\" o:spt=\"202\" "
    "path=\"m,l,21600r21600,l21600,xe\"><v:stroke joinstyle=\"miter\"/><v:path "
    "gradientshapeok=\"t\" o:connecttype=\"rect\"/></v:shapetype>\n";

// The id blocks (of 1024 shapes) the shapes of `count` comments take from `block` on: "50,51".
std::string vmlBlocks(size_t count, int block) {
  std::string blocks;
  for (size_t i = 0; i < std::max<size_t>((count + 1023) / 1024, 1); ++i)
    blocks += (i ? "," : "") + std::to_string(block + int(i));
  return blocks;
}

// The hidden note boxes legacy Excel draws for the comments, one shape each.
std::string vmlShapes(const std::vector<const Placed*>& placed, int block) {
  std::string out;
  for (size_t i = 0; i < placed.size(); ++i) {
    const Placed& p = *placed[i];
    size_t lines = 1 + size_t(std::count(p.mark->comment.begin(), p.mark->comment.end(), '\n')) +
                   p.mark->comment.size() / 60;
    int rows = int(std::clamp<size_t>(lines + 1, 4, 30));
    int r0 = p.row - 1;
    char anchor[96];
    std::snprintf(anchor, sizeof anchor, "%d, 15, %d, 2, %d, 15, %d, 16", p.col + 1,
                  r0 > 0 ? r0 - 1 : 0, p.col + 5, (r0 > 0 ? r0 - 1 : 0) + rows);
    out += " <v:shape id=\"_x0000_s" + std::to_string(block * 1024 + 1 + int(i)) +
           "\" type=\"#_x0000_t202\" style=\"position:absolute;margin-left:80pt;margin-top:2pt;"
           "width:270pt;height:" +
           std::to_string(rows * 15) + "pt;z-index:" + std::to_string(i + 1) +
           ";visibility:hidden\" fillcolor=\"#ffffe1\" o:insetmode=\"auto\"><v:fill "
           "color2=\"#ffffe1\"/><v:shadow on=\"t\" color=\"black\" obscured=\"t\"/><v:path "
           "o:connecttype=\"none\"/><v:textbox style=\"mso-direction-alt:auto\"><div "
           "style=\"text-align:left\"></div></v:textbox><x:ClientData "
           "ObjectType=\"Note\"><x:MoveWithCells/><x:SizeWithCells/><x:Anchor>" +
           anchor + "</x:Anchor><x:AutoFill>False</x:AutoFill><x:Row>" + std::to_string(r0) +
           "</x:Row><x:Column>" + std::to_string(p.col) + "</x:Column></x:ClientData></v:shape>\n";
  }
  return out;
}

std::string vmlDrawing(const std::vector<const Placed*>& placed, int block) {
  return "<xml xmlns:v=\"urn:schemas-microsoft-com:vml\" "
         "xmlns:o=\"urn:schemas-microsoft-com:office:office\" "
         "xmlns:x=\"urn:schemas-microsoft-com:office:excel\">\n"
         " <o:shapelayout v:ext=\"edit\"><o:idmap v:ext=\"edit\" data=\"" +
         vmlBlocks(placed.size(), block) + "\"/></o:shapelayout>\n" + kNoteShapeType +
         vmlShapes(placed, block) + "</xml>\n";
}

// The sheet's own VML drawing with the shapes of our new comments added, and their id blocks
// declared; false when it is not laid out as a comments drawing is.
bool addToVml(std::string* vml, const std::vector<const Placed*>& placed, int block) {
  size_t end = vml->rfind("</xml>");
  if (end == std::string::npos) return false;
  std::string add = vml->find("_x0000_t202") == std::string::npos ? kNoteShapeType : "";
  vml->insert(end, add + vmlShapes(placed, block));
  size_t idmap = vml->find("o:idmap");
  size_t data = idmap == std::string::npos ? idmap : vml->find("data=\"", idmap);
  if (data != std::string::npos && data < vml->find('>', idmap))
    vml->insert(vml->find('"', data + 6), "," + vmlBlocks(placed.size(), block));
  return true;
}

// The note of one mark, as a comment's text runs.
std::string commentRuns(const std::string& prefix, const std::string& text) {
  auto q = [&](const char* local) { return qualified(prefix, local); };
  return "<" + q("r") + "><" + q("rPr") + "><" + q("sz") + " val=\"10\"/></" + q("rPr") + "><" +
         q("t") + " xml:space=\"preserve\">" + xmlEscape(text) + "</" + q("t") + "></" + q("r") +
         ">";
}

// The sheet's own comments part with our notes added: appended to a comment already on the
// cell (Excel keeps one per cell), or as new comments by our author. `fresh` gets the marks
// that need a shape of their own in the drawing.
bool mergeComments(std::string* xml, const std::vector<Placed>& placed, const std::string& author,
                   std::vector<const Placed*>* fresh) {
  Found root = findElement(*xml, "comments");
  if (root.start == std::string::npos) return false;
  const std::string& p = root.prefix;
  size_t authors = children(*xml, "authors", "author").size();
  if (!appendChildren(xml, "authors",
                      "<" + qualified(p, "author") + ">" + xmlEscape(author) + "</" +
                          qualified(p, "author") + ">",
                      0))
    return false;
  std::string added;
  for (const Placed& m : placed) {
    size_t at = xml->find("<" + qualified(p, "comment") + " ref=\"" + cellRef(m.col, m.row) + "\"");
    size_t text_end =
        at == std::string::npos ? at : xml->find("</" + qualified(p, "text") + ">", at);
    if (text_end != std::string::npos) {
      xml->insert(text_end, commentRuns(p, "\n" + m.mark->comment));
      continue;
    }
    added += "<" + qualified(p, "comment") + " ref=\"" + cellRef(m.col, m.row) + "\" authorId=\"" +
             std::to_string(authors) + "\"><" + qualified(p, "text") + ">" +
             commentRuns(p, m.mark->comment) + "</" + qualified(p, "text") + "></" +
             qualified(p, "comment") + ">";
    fresh->push_back(&m);
  }
  return appendChildren(xml, "commentList", added, 0);
}

std::string commentsPart(const std::vector<Placed>& placed, const std::string& author) {
  std::string out =
      std::string(
          "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<comments xmlns=\"") +
      kMainNs + "\"><authors><author>" + xmlEscape(author) + "</author></authors><commentList>";
  for (const Placed& p : placed)
    out += "<comment ref=\"" + cellRef(p.col, p.row) +
           "\" authorId=\"0\"><text><r><rPr><sz val=\"10\"/></rPr><t xml:space=\"preserve\">" +
           xmlEscape(p.mark->comment) + "</t></r></text></comment>";
  return out + "</commentList></comments>";
}

std::string relationships(const std::string& body) {
  return std::string(
             "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<Relationships "
             "xmlns=\"") +
         kPkgRelNs + "\">" + body + "</Relationships>";
}

std::string relationship(const std::string& id, const char* type, const std::string& target) {
  return "<Relationship Id=\"" + id + "\" Type=\"" + kRelNs + "/" + type + "\" Target=\"" +
         xmlEscape(target) + "\"/>";
}

// A relationship id not yet used in `rels_xml`.
std::string freshId(const std::string& rels_xml, const std::string& stem) {
  for (int i = 1;; ++i) {
    std::string id = stem + std::to_string(i);
    if (rels_xml.find("\"" + id + "\"") == std::string::npos) return id;
  }
}

// The first part name `stem`N`ext` not in the package nor in `taken`.
std::string freshPart(const ZipFile& zip, const std::vector<std::string>& taken,
                      const std::string& stem, const std::string& ext) {
  for (int i = 1;; ++i) {
    std::string name = stem + std::to_string(i) + ext;
    if (zip.find(name) < 0 &&
        std::find(taken.begin(), taken.end(), normalizeZipName(name)) == taken.end())
      return name;
  }
}

std::string summarySheet(const XlsxMarking& m, Styles& styles) {
  std::string cols, rows, links;
  for (size_t c = 0; c < m.summary_widths.size(); ++c) {
    char w[32];
    std::snprintf(w, sizeof w, "%.2f", m.summary_widths[c]);
    cols += "<col min=\"" + std::to_string(c + 1) + "\" max=\"" + std::to_string(c + 1) +
            "\" width=\"" + w + "\" customWidth=\"1\"/>";
  }
  for (size_t r = 0; r < m.summary.size(); ++r) {
    if (m.summary[r].empty()) continue;
    rows += "<row r=\"" + std::to_string(r + 1) + "\">";
    for (size_t c = 0; c < m.summary[r].size(); ++c) {
      const SummaryCell& cell = m.summary[r][c];
      if (cell.text.empty()) continue;
      std::string ref = cellRef(int(c), int(r + 1));
      int s = cell.style == SummaryCell::Style::Bold      ? styles.bold()
              : cell.style == SummaryCell::Style::Error   ? styles.marked(0, MarkLevel::Error)
              : cell.style == SummaryCell::Style::Warning ? styles.marked(0, MarkLevel::Warning)
                                                          : 0;
      rows += "<c r=\"" + ref + "\"" + (s ? " s=\"" + std::to_string(s) + "\"" : "");
      if (cell.number)
        rows += "><v>" + xmlEscape(cell.text) + "</v></c>";
      else
        rows += " t=\"inlineStr\"><is><t xml:space=\"preserve\">" + xmlEscape(cell.text) +
                "</t></is></c>";
      if (!cell.link.empty())
        links += "<hyperlink ref=\"" + ref + "\" location=\"" + xmlEscape(cell.link) +
                 "\" display=\"" + xmlEscape(cell.text) + "\"/>";
    }
    rows += "</row>";
  }
  return std::string(
             "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<worksheet xmlns=\"") +
         kMainNs + "\" xmlns:r=\"" + kRelNs +
         "\"><sheetViews><sheetView workbookViewId=\"0\"/></sheetViews>" +
         "<sheetFormatPr defaultRowHeight=\"15\"/>" +
         (cols.empty() ? "" : "<cols>" + cols + "</cols>") + "<sheetData>" + rows + "</sheetData>" +
         (links.empty() ? "" : "<hyperlinks>" + links + "</hyperlinks>") +
         "<pageMargins left=\"0.7\" right=\"0.7\" top=\"0.75\" bottom=\"0.75\" header=\"0.3\" "
         "footer=\"0.3\"/></worksheet>";
}

// The summary sheet's name in docProps/app.xml: one more worksheet title, after the others.
// Left as it was when it is not laid out as Excel and LibreOffice write it (it is only a
// description of the workbook; no program checks it against workbook.xml).
void addToAppProps(std::string* xml, const std::string& name) {
  Found pairs = findElement(*xml, "HeadingPairs");
  Found titles = findElement(*xml, "TitlesOfParts");
  if (pairs.end == std::string::npos || titles.end == std::string::npos ||
      pairs.start > titles.start)
    return;
  std::string_view heading(std::string_view(*xml).substr(pairs.start, pairs.end - pairs.start));
  // The first pair counts the worksheets.
  size_t i4 = heading.find("i4>");
  if (i4 == std::string_view::npos) return;
  size_t num = i4 + 3, num_end = heading.find('<', num);
  int sheets = parseNumber(heading.substr(num, num_end - num), -1);
  if (sheets < 0) return;
  std::string_view list(std::string_view(*xml).substr(titles.start, titles.end - titles.start));
  std::vector<size_t> title_ends;  // offsets (in *xml) just past each </vt:lpstr>
  forEachXmlTag(list, [&](const XmlTag& t, size_t at) {
    if (t.kind == XmlTag::Kind::End && t.is("lpstr"))
      title_ends.push_back(titles.start + at + t.text.size());
    return true;
  });
  if (title_ends.size() < size_t(sheets)) return;
  size_t insert_at = sheets == 0 ? std::string::npos : title_ends[size_t(sheets) - 1];
  if (insert_at == std::string::npos) return;
  Found vector = findElement(list, "vector");
  if (vector.start == std::string::npos) return;
  std::string p = vector.prefix.empty() ? "" : vector.prefix + ":";
  xml->insert(insert_at, "<" + p + "lpstr>" + xmlEscape(name) + "</" + p + "lpstr>");
  // The title vector's size, then the worksheet count (before, so offsets hold).
  XmlTag vt =
      parseXmlTag(std::string_view(*xml).substr(titles.start + vector.start, vector.start_len));
  std::string_view size;
  if (vt.attr("size", &size)) {
    int n = parseNumber(size, -1);
    if (n >= 0)
      xml->replace(titles.start + vector.start, vector.start_len,
                   vt.withAttr("size", std::to_string(n + 1)));
  }
  xml->replace(pairs.start + num, num_end - num, std::to_string(sheets + 1));
}

struct SheetPart {
  std::string name, part;
};

struct Package {
  std::string workbook_part = "xl/workbook.xml", wb_dir = "xl/";
  std::string workbook, wb_rels, content_types, styles_part, app;
  std::vector<SheetPart> sheets;
  int summary_index = -1;  // of an earlier marking's summary
  bool styles_created = false, content_types_created = false;
};

bool loadPackage(ZipFile& zip, Package* p, std::string* err) {
  auto read = [&](const std::string& part, std::string* out) {
    int i = zip.find(part);
    if (i < 0) return false;
    return zip.readAll(i, out, err, size_t(256) << 20);
  };
  std::string root;
  if (read("_rels/.rels", &root))
    for (const Rel& r : parseRels(root, ""))
      if (!r.external && endsWith(r.type, "/officeDocument") && zip.find(r.target) >= 0) {
        p->workbook_part = normalizeZipName(r.target);
        break;
      }
  if (!err->empty()) return false;
  if (!read(p->workbook_part, &p->workbook)) {
    if (err->empty()) *err = tr("not an xlsx workbook: no {part}", {{"part", p->workbook_part}});
    return false;
  }
  p->wb_dir = dirOf(p->workbook_part);
  read(relsPartOf(p->workbook_part), &p->wb_rels);
  if (!read("[Content_Types].xml", &p->content_types) && err->empty()) {
    // Readers do without it (vetkit's among them); Excel does not, so the copy gets one.
    p->content_types =
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<Types "
        "xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\"><Default "
        "Extension=\"xml\" ContentType=\"application/xml\"/><Override PartName=\"/" +
        p->workbook_part +
        "\" ContentType=\"application/"
        "vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml\"/></Types>";
    p->content_types_created = true;
  }
  if (!err->empty()) return false;
  std::vector<Rel> rels = parseRels(p->wb_rels, p->wb_dir);
  for (const Rel& r : rels)
    if (!r.external && endsWith(r.type, "/styles")) p->styles_part = normalizeZipName(r.target);
  forEachXmlTag(p->workbook, [&](const XmlTag& t, size_t) {
    std::string_view v;
    if (t.opens() && t.is("sheet")) {
      SheetPart s;
      if (t.attr("name", &v)) s.name = xmlUnescape(v);
      if (t.prefixedAttr("id", &v) || t.attr("id", &v)) {
        std::string id = xmlUnescape(v);
        for (const Rel& r : rels)
          if (r.id == id && !r.external && endsWith(r.type, "/worksheet"))
            s.part = normalizeZipName(r.target);
      }
      // Without relationships the conventional part names are the only guide (as the reader).
      if (p->wb_rels.empty())
        s.part = p->wb_dir + "worksheets/sheet" + std::to_string(p->sheets.size() + 1) + ".xml";
      p->sheets.push_back(std::move(s));
    } else if (t.opens() && t.is("definedName") && t.attr("name", &v) && v == kSummaryDefinedName &&
               t.attr("localSheetId", &v)) {
      p->summary_index = parseNumber(v, -1);
    }
    return true;
  });
  read("docProps/app.xml", &p->app);
  return err->empty();
}

// The summary sheet and its defined name in workbook.xml.
void addSheetToWorkbook(std::string* xml, const std::string& name, const std::string& rel_id,
                        size_t index) {
  int max_id = 0;
  forEachXmlTag(*xml, [&](const XmlTag& t, size_t) {
    std::string_view v;
    if (t.opens() && t.is("sheet") && t.attr("sheetId", &v))
      max_id = std::max(max_id, parseNumber(v, 0));
    return true;
  });
  Found sheets = findElement(*xml, "sheets");
  Found root = findElement(*xml, "workbook");
  std::string p = sheets.prefix.empty() ? "" : sheets.prefix + ":";
  appendChildren(
      xml, "sheets",
      "<" + p + "sheet name=\"" + xmlEscape(name) + "\" sheetId=\"" + std::to_string(max_id + 1) +
          "\" " +
          relIdAttr(root.start == std::string::npos ? std::string()
                                                    : xml->substr(root.start, root.start_len),
                    rel_id) +
          "/>",
      0);
  std::string quoted;
  for (char c : name) quoted += c == '\'' ? std::string("''") : std::string(1, c);
  std::string defined = "<" + p + "definedName name=\"" + kSummaryDefinedName +
                        "\" localSheetId=\"" + std::to_string(index) + "\" hidden=\"1\">" +
                        xmlEscape("'" + quoted + "'!$A$1") + "</" + p + "definedName>";
  if (appendChildren(xml, "definedNames", defined, 0)) return;
  // No definedNames yet: it follows sheets (and functionGroups, externalReferences).
  size_t at = std::string::npos;
  for (const char* before : {"sheets", "functionGroups", "externalReferences"}) {
    Found f = findElement(*xml, before);
    if (f.start == std::string::npos) continue;
    size_t end = f.empty ? f.start + f.start_len
                         : f.end + xmlTagLength(std::string_view(*xml).substr(f.end));
    at = at == std::string::npos ? end : std::max(at, end);
  }
  if (at != std::string::npos)
    xml->insert(at, "<" + p + "definedNames>" + defined + "</" + p + "definedNames>");
}

bool hasDefault(const std::string& types, std::string_view ext) {
  bool found = false;
  forEachXmlTag(types, [&](const XmlTag& t, size_t) {
    std::string_view v;
    if (t.opens() && t.is("Default") && t.attr("Extension", &v)) {
      std::string lower(v);
      for (char& c : lower) c = char(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
      found |= lower == ext;
    }
    return !found;
  });
  return found;
}

}  // namespace

bool xlsxSheetNames(const std::string& in, std::vector<std::string>* names, std::string* err) {
  auto zip = ZipFile::open(in, err);
  if (!zip) return false;
  err->clear();
  Package p;
  if (!loadPackage(*zip, &p, err)) return false;
  names->clear();
  for (const SheetPart& s : p.sheets) names->push_back(s.name);
  return true;
}

bool markXlsx(const std::string& in, const std::string& out_path, const XlsxMarking& m,
              std::string* err) {
  auto zip = ZipFile::open(in, err);
  if (!zip) return false;
  err->clear();
  Package p;
  if (!loadPackage(*zip, &p, err)) return false;

  Styles styles;
  std::string styles_xml;
  if (p.styles_part.empty() || zip->find(p.styles_part) < 0) {
    // A workbook without a styles part (some generators): it gets a minimal one.
    p.styles_created = true;
    if (p.styles_part.empty()) p.styles_part = p.wb_dir + "styles.xml";
    styles_xml = Styles::minimal();
  } else if (!zip->readAll(zip->find(p.styles_part), &styles_xml, err, size_t(256) << 20)) {
    return false;
  }
  if (!styles.load(styles_xml)) {
    *err = p.styles_part + ": " + tr("no cell formats (cellXfs) or fills to add to");
    return false;
  }

  // Which parts change: the sheets with marks, and the small parts written at the end.
  std::map<std::string, const SheetPart*> marked;  // part -> sheet
  for (const SheetPart& s : p.sheets) {
    auto it = m.marks.find(s.name);
    if (it != m.marks.end() && !it->second.empty() && !s.part.empty() && zip->find(s.part) >= 0)
      marked[s.part] = &s;
  }
  std::vector<std::string> rewritten = {normalizeZipName(p.workbook_part),
                                        normalizeZipName(relsPartOf(p.workbook_part)),
                                        "[content_types].xml", normalizeZipName(p.styles_part)};
  if (!p.app.empty()) rewritten.push_back("docprops/app.xml");
  // A marked sheet's relationships, and its own comments and drawing, which gain ours.
  struct Own {
    std::string rels, comments, vml;
  };
  std::map<std::string, Own> own;
  for (const auto& [part, sheet] : marked) {
    rewritten.push_back(normalizeZipName(relsPartOf(part)));
    Own& o = own[part];
    int rels_entry = zip->find(relsPartOf(part));
    if (rels_entry >= 0 && !zip->readAll(rels_entry, &o.rels, err, size_t(64) << 20)) return false;
    for (const Rel& r : parseRels(o.rels, dirOf(part))) {
      if (r.external || zip->find(r.target) < 0) continue;
      if (endsWith(r.type, "/comments")) o.comments = normalizeZipName(r.target);
      if (endsWith(r.type, "/vmlDrawing")) o.vml = normalizeZipName(r.target);
    }
    if (o.comments.empty() || o.vml.empty()) {
      o.comments.clear();
    } else {
      rewritten.push_back(o.comments);
      rewritten.push_back(o.vml);
    }
  }

  auto out = ZipWriter::create(out_path, err);
  if (!out) return false;
  std::string types_add;
  std::vector<std::string> taken;  // part names given out
  int vml_block = 50;              // VML shape ids of our drawings start far from Excel's own
  for (size_t i = 0; i < zip->names().size(); ++i) {
    std::string name = normalizeZipName(zip->names()[i]);
    if (std::find(rewritten.begin(), rewritten.end(), name) != rewritten.end()) continue;
    auto sheet = marked.find(name);
    if (sheet == marked.end()) {
      if (!out->copyRaw(*zip, int(i), err)) return false;
      continue;
    }
    // The sheet's relationships gain the comments and their drawing, or its own gain ours.
    const std::string& part = sheet->first;
    std::string rels_part = relsPartOf(zip->names()[i]);
    Own& o = own[part];
    std::string& rels_xml = o.rels;
    bool has_comments = !o.comments.empty();
    std::string vml_id = has_comments ? "" : freshId(rels_xml, "rIdVetkitVml");
    std::string comments_id = freshId(rels_xml, "rIdVetkitNote");

    SheetRewriter rewriter(m.marks.at(sheet->second->name), styles, *out, sheet->second->name);
    // zip64 sizes when the sheet comes near 4 GiB (it grows by a few bytes a marked cell).
    ZipFile::RawInfo info;
    bool large = zip->rawInfo(int(i), &info) && info.uncompressed > 0xF0000000u;
    if (!out->begin(zip->names()[i], large, err, true) ||
        !rewriter.run(*zip, int(i), vml_id, err) || !out->end(err))
      return false;
    int rels_entry = zip->find(rels_part);
    if (has_comments) {
      std::string comments, vml;
      std::vector<const Placed*> fresh;
      if (!zip->readAll(zip->find(o.comments), &comments, err, size_t(256) << 20) ||
          !zip->readAll(zip->find(o.vml), &vml, err, size_t(256) << 20))
        return false;
      std::string original_comments = comments, original_vml = vml;
      if (!mergeComments(&comments, rewriter.placed(), m.author, &fresh) ||
          !addToVml(&vml, fresh, vml_block)) {
        comments = original_comments;  // not laid out as expected: colours only
        vml = original_vml;
      }
      vml_block += int((fresh.size() + 1023) / 1024);
      if (!out->add(zip->names()[size_t(zip->find(o.comments))], comments, err) ||
          !out->add(zip->names()[size_t(zip->find(o.vml))], vml, err) ||
          (rels_entry >= 0 && !out->copyRaw(*zip, rels_entry, err)))
        return false;
      continue;
    }
    if (rewriter.placed().empty() || rewriter.hadLegacyDrawing()) {
      // Colours only: a drawing of other kinds (form controls) is left as it is.
      if (rels_entry >= 0 && !out->copyRaw(*zip, rels_entry, err)) return false;
      continue;
    }
    std::string comments = freshPart(*zip, taken, "xl/comments", ".xml");
    taken.push_back(normalizeZipName(comments));
    std::string vml = freshPart(*zip, taken, "xl/drawings/vmlDrawing", ".vml");
    taken.push_back(normalizeZipName(vml));
    std::string dir = dirOf(part);
    std::string added = relationship(comments_id, "comments", relativeTarget(dir, comments)) +
                        relationship(vml_id, "vmlDrawing", relativeTarget(dir, vml));
    std::vector<const Placed*> all;
    for (const Placed& placed : rewriter.placed()) all.push_back(&placed);
    if (rels_xml.empty())
      rels_xml = relationships(added);
    else if (!appendChildren(&rels_xml, "Relationships", added, 0)) {
      *err = rels_part + ": " + tr("not a relationships part");
      return false;
    }
    if (!out->add(rels_part, rels_xml, err) ||
        !out->add(comments, commentsPart(rewriter.placed(), m.author), err) ||
        !out->add(vml, vmlDrawing(all, vml_block), err))
      return false;
    vml_block += int((rewriter.placed().size() + 1023) / 1024);
    types_add += std::string("<Override PartName=\"/") + comments + "\" ContentType=\"" +
                 kCommentsType + "\"/>";
  }

  // The summary sheet, last in the workbook (the operator's sheet stays the one that opens).
  std::string summary_part = freshPart(*zip, taken, p.wb_dir + "worksheets/sheet", ".xml");
  if (!out->add(summary_part, summarySheet(m, styles), err)) return false;
  std::string summary_id = freshId(p.wb_rels, "rIdVetkitSummary");
  std::string wb_rels_add =
      relationship(summary_id, "worksheet", relativeTarget(p.wb_dir, summary_part));
  types_add += std::string("<Override PartName=\"/") + summary_part + "\" ContentType=\"" +
               kWorksheetType + "\"/>";
  if (p.styles_created) {
    wb_rels_add += relationship(freshId(p.wb_rels + wb_rels_add, "rIdVetkitStyles"), "styles",
                                relativeTarget(p.wb_dir, p.styles_part));
    types_add += std::string("<Override PartName=\"/") + p.styles_part + "\" ContentType=\"" +
                 kStylesType + "\"/>";
  }
  if (p.content_types_created)
    for (const SheetPart& sheet : p.sheets)
      if (!sheet.part.empty())
        types_add +=
            "<Override PartName=\"/" + sheet.part + "\" ContentType=\"" + kWorksheetType + "\"/>";
  if (!hasDefault(p.content_types, "vml"))
    types_add =
        std::string("<Default Extension=\"vml\" ContentType=\"") + kVmlType + "\"/>" + types_add;
  if (!hasDefault(p.content_types, "rels"))
    types_add =
        "<Default Extension=\"rels\" "
        "ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>" +
        types_add;

  std::string wb_rels = p.wb_rels.empty() ? relationships(wb_rels_add) : p.wb_rels;
  if (!p.wb_rels.empty() && !appendChildren(&wb_rels, "Relationships", wb_rels_add, 0)) {
    *err = relsPartOf(p.workbook_part) + ": " + tr("not a relationships part");
    return false;
  }
  std::string types = p.content_types;
  if (!appendChildren(&types, "Types", types_add, 0)) {
    *err = "[Content_Types].xml: no <Types> element";
    return false;
  }
  std::string workbook = p.workbook;
  addSheetToWorkbook(&workbook, m.summary_name, summary_id, p.sheets.size());
  if (!p.app.empty()) addToAppProps(&p.app, m.summary_name);

  // Each under the name it had in the package (part names are compared ignoring case).
  auto named = [&](const std::string& part) {
    int i = zip->find(part);
    return i >= 0 ? zip->names()[size_t(i)] : part;
  };
  if (!out->add(named(p.styles_part), styles.finish(), err) ||
      !out->add(named(p.workbook_part), workbook, err) ||
      !out->add(named(relsPartOf(p.workbook_part)), wb_rels, err) ||
      !out->add(named("[Content_Types].xml"), types, err) ||
      (!p.app.empty() && !out->add(named("docProps/app.xml"), p.app, err)))
    return false;
  return out->close(err);
}

}  // namespace vetkit
