#include "io/ods_reader.h"

#include "core/text_catalogue.h"

#include <expat.h>

#include <cstdio>
#include <cstring>
#include <new>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "core/read_progress.h"
#include "io/zip_file.h"

namespace vetkit {

namespace {

constexpr size_t kChunk = 256 * 1024;
// The size of a LibreOffice sheet, which is what writes repeats up to its edge.
constexpr uint64_t kMaxRows = 1048576;
constexpr int kMaxCols = 16384;

// ODF names carry their prefixes (table:, office:, text:) as every writer declares them; the
// local name decides, as in the xlsx reader.
const char* localName(const char* name) {
  const char* l = name;
  for (const char* p = name; *p; ++p)
    if (*p == ':') l = p + 1;
  return l;
}

bool is(const char* a, const char* b) {
  return std::strcmp(a, b) == 0;
}

const char* attr(const char** atts, const char* local) {
  for (; *atts; atts += 2)
    if (is(localName(atts[0]), local)) return atts[1];
  return nullptr;
}

// A repeat count: absent or malformed is 1; capped at `cap`.
uint64_t repeat(const char** atts, const char* local, uint64_t cap) {
  const char* v = attr(atts, local);
  if (!v) return 1;
  uint64_t n = 0;
  for (const char* p = v; *p >= '0' && *p <= '9' && n <= cap; ++p) n = n * 10 + uint64_t(*p - '0');
  return n == 0 ? 1 : std::min(n, cap);
}

bool digits(std::string_view s, size_t pos, size_t n) {
  if (pos + n > s.size()) return false;
  for (size_t k = pos; k < pos + n; ++k)
    if (s[k] < '0' || s[k] > '9') return false;
  return true;
}

// office:date-value "1978-03-05" or "1978-03-05T08:30:00[.123]" to what the xlsx reader gives
// for the same date: the day, and the time only when it is not midnight.
bool odsDate(std::string_view v, std::string* out) {
  if (v.size() < 10 || !digits(v, 0, 4) || v[4] != '-' || !digits(v, 5, 2) || v[7] != '-' ||
      !digits(v, 8, 2))
    return false;
  out->assign(v.substr(0, 10));
  if (v.size() >= 19 && v[10] == 'T' && digits(v, 11, 2) && digits(v, 14, 2) && digits(v, 17, 2) &&
      v.substr(11, 8) != "00:00:00") {
    out->push_back('T');
    out->append(v.substr(11, 8));
  }
  return true;
}

// office:time-value "PT08H30M00S" as the fraction of a day the xlsx reader gives for a time.
bool odsTime(std::string_view v, std::string* out) {
  int h = 0, m = 0;
  double s = 0;
  if (std::sscanf(std::string(v).c_str(), "PT%dH%dM%lfS", &h, &m, &s) != 3) return false;
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.15G", (h * 3600 + m * 60 + s) / 86400.0);
  out->assign(buf);
  return true;
}

// One pass over content.xml: with `target` < 0 it only lists the tables and their visibility;
// else it delivers the rows of table `target` and stops at its end.
class ContentParser {
 public:
  ContentParser(long target, const RowSink* sink) : target_(target), sink_(sink) {}
  ~ContentParser() {
    if (parser_) XML_ParserFree(parser_);
  }

  std::vector<SheetInfo> sheets;

  /// Reads on: from the start, or from where the last target table ended. With `target` >= 0
  /// it suspends at that table's end, so that the next table can be read without parsing the
  /// ones before it again.
  bool parse(ZipFile& zip, int index, std::string* err) {
    std::string zerr;
    if (!parser_) {
      parser_ = XML_ParserCreate(nullptr);
      if (!parser_) return *err = tr("out of memory"), false;
      XML_SetUserData(parser_, this);
      XML_SetElementHandler(parser_, onStart, onEnd);
      XML_SetCharacterDataHandler(parser_, onText);
      XML_SetStartDoctypeDeclHandler(parser_, onDoctype);
      entry_ = zip.openEntry(index, &zerr);
      if (!entry_) return *err = "content.xml: " + zerr, false;
    }
    ReadProgress* progress = target_ >= 0 ? ReadProgress::active() : nullptr;
    uint64_t told = delivered_;
    auto status = [&](XML_Status st) {
      if (progress) {
        progress->addRows(delivered_ - told);
        told = delivered_;
      }
      if (st == XML_STATUS_SUSPENDED) return 1;  // the target table ended
      if (st == XML_STATUS_OK) return 0;
      if (!failure_.empty()) return *err = failure_, -1;
      if (stopped_) return 1;
      *err = "content.xml: " + tr("malformed XML at line {line}: {reason}",
                                  {{"line", std::to_string(XML_GetCurrentLineNumber(parser_))},
                                   {"reason", XML_ErrorString(XML_GetErrorCode(parser_))}});
      return -1;
    };
    if (suspended_) {
      suspended_ = false;
      int st = status(XML_ResumeParser(parser_));
      if (st != 0) return st > 0;
      if (finished_) return true;
    }
    for (;;) {
      void* buf = XML_GetBuffer(parser_, int(kChunk));
      if (!buf) return *err = tr("out of memory"), false;
      long n = entry_->read(static_cast<char*>(buf), kChunk, &zerr);
      if (n < 0) return *err = "content.xml: " + zerr, false;
      finished_ = n == 0;
      int st = status(XML_ParseBuffer(parser_, int(n), n == 0));
      if (st != 0) return st > 0;
      if (n == 0) break;
    }
    return entry_->finish(&zerr) || (*err = "content.xml: " + zerr, false);
  }

  /// The next table to read, and where its rows go; false when this parser cannot go on to it
  /// (stopped early, or already past it).
  bool retarget(long target, const RowSink* sink) {
    if (!suspended_ || stopped_ || !failure_.empty() || long(sheets.size()) > target) return false;
    target_ = target;
    sink_ = sink;
    return true;
  }

 private:
  void start(const char* local, const char** atts) {
    if (in_annotation_) {
      ++in_annotation_;
      return;
    }
    // The elements of nearly every cell first.
    if (reading_ && table_depth_ == 1 && local[0] == 't' && is(local, "table-cell"))
      return beginCell(atts, false);
    if (in_cell_ && local[0] == 'p' && local[1] == '\0') {
      if (paragraphs_++ > 0 && collect_) collect_->push_back('\n');
      return;
    }
    if (is(local, "style")) {
      const char* name = attr(atts, "name");
      style_ = name ? name : "";
    } else if (is(local, "table-properties")) {
      const char* d = attr(atts, "display");
      if (d && is(d, "false") && !style_.empty()) hidden_styles_.insert(style_);
    } else if (is(local, "table")) {
      if (table_depth_++ > 0) return;  // a table inside a cell is no sheet
      SheetInfo s;
      if (const char* n = attr(atts, "name")) s.name = n;
      const char* st = attr(atts, "style-name");
      s.hidden = st && hidden_styles_.count(st) > 0;
      sheets.push_back(std::move(s));
      reading_ = target_ >= 0 && long(sheets.size()) - 1 == target_;
      next_row_ = 1;
      expanded_ = 0;
    } else if (!reading_ || table_depth_ != 1) {
      return;
    } else if (is(local, "table-row")) {
      row_repeat_ = repeat(atts, "number-rows-repeated", kMaxRows);
      row_.cells.clear();
      col_ = 0;
    } else if (is(local, "table-cell") || is(local, "covered-table-cell")) {
      beginCell(atts, is(local, "covered-table-cell"));
    } else if (in_cell_ && is(local, "annotation")) {
      in_annotation_ = 1;  // a comment's text is not the cell's
    } else if (in_cell_ && is(local, "p")) {
      if (paragraphs_++ > 0 && collect_) collect_->push_back('\n');
    } else if (collect_ && is(local, "s")) {
      collect_->append(repeat(atts, "c", 1024), ' ');
    } else if (collect_ && is(local, "tab")) {
      collect_->push_back('\t');
    } else if (collect_ && is(local, "line-break")) {
      collect_->push_back('\n');
    }
  }

  void end(const char* local) {
    if (in_annotation_) {
      --in_annotation_;
      return;
    }
    if (local[0] == 'p' && local[1] == '\0') return;
    if (reading_ && table_depth_ == 1 && local[0] == 't' && is(local, "table-cell"))
      return endCell();
    if (is(local, "style")) {
      style_.clear();
    } else if (is(local, "table")) {
      if (--table_depth_ > 0) return;
      if (reading_) {
        suspended_ = true;
        XML_StopParser(parser_, XML_TRUE);
      }
      reading_ = false;
    } else if (!reading_ || table_depth_ != 1) {
      return;
    } else if (is(local, "table-cell") || is(local, "covered-table-cell")) {
      endCell();
    } else if (is(local, "table-row")) {
      endRow();
    }
  }

  void beginCell(const char** atts, bool covered) {
    cell_repeat_ = repeat(atts, "number-columns-repeated", kMaxCols);
    in_cell_ = true;
    paragraphs_ = 0;
    text_.clear();
    value_.clear();
    kind_ = Cell::Kind::Text;
    collect_ = nullptr;
    // A cell a merge covers shows nothing, as in the xlsx a merge leaves behind.
    if (covered) return;
    const char* type = nullptr;
    const char* value = nullptr;
    bool error = false;
    for (const char** a = atts; *a; a += 2) {
      const char* l = localName(a[0]);
      if (is(a[0], "calcext:value-type")) {
        error = is(a[1], "error");
      } else if (is(l, "value-type")) {
        type = a[1];
      } else if (is(l, "value") || is(l, "date-value") || is(l, "time-value") ||
                 is(l, "boolean-value") || is(l, "string-value")) {
        value = a[1];
      }
    }
    std::string_view v = value ? value : "";
    if (error) {
      kind_ = Cell::Kind::Error;
      collect_ = &text_;
    } else if (!type || is(type, "string")) {
      if (value) {
        value_.assign(v);
      } else {
        collect_ = &text_;
      }
    } else if (is(type, "date")) {
      if (odsDate(v, &value_))
        kind_ = Cell::Kind::Date;
      else
        collect_ = &text_;
    } else if (is(type, "time")) {
      if (odsTime(v, &value_))
        kind_ = Cell::Kind::Number;
      else
        collect_ = &text_;
    } else if (is(type, "boolean")) {
      kind_ = Cell::Kind::Bool;
      value_ = v == "true" || v == "1" ? "TRUE" : "FALSE";
    } else if (value) {  // float, percentage, currency
      kind_ = Cell::Kind::Number;
      value_.assign(v);
    } else {
      collect_ = &text_;
    }
  }

  void endCell() {
    in_cell_ = false;
    std::string& v = collect_ ? text_ : value_;
    collect_ = nullptr;
    int first = col_;
    col_ = int(std::min<uint64_t>(uint64_t(col_) + cell_repeat_, kMaxCols));
    if (v.empty()) return;
    if (overlongCell(v)) return fail(overlongCellError(int(next_row_), first));
    for (int c = first; c < col_; ++c) {
      Cell& cell = row_.cells.emplace_back();
      cell.col = c;
      cell.kind = kind_;
      cell.text.assign(v);
    }
    if (!budget(uint64_t(col_ - first - 1))) return;
  }

  void endRow() {
    uint64_t first = next_row_;
    next_row_ = std::min(next_row_ + row_repeat_, kMaxRows + 1);
    if (row_.cells.empty()) return;  // the empty tail, however long: a counter
    if (!budget((next_row_ - first - 1) * row_.cells.size())) return;
    for (uint64_t r = first; r < next_row_; ++r) {
      row_.number = int(r);
      ++delivered_;
      if (!(*sink_)(row_)) return stop();
    }
  }

  bool budget(uint64_t cells) {
    expanded_ += cells;
    if (expanded_ <= kMaxRepeatedCells) return true;
    fail(tr("repeated rows and cells expand to more than {cells} cells (row {row})",
            {{"cells", std::to_string(kMaxRepeatedCells)}, {"row", std::to_string(next_row_)}}));
    return false;
  }

  void fail(std::string why) {
    if (failure_.empty()) failure_ = std::move(why);
    XML_StopParser(parser_, XML_FALSE);
  }
  void stop() {
    stopped_ = true;
    XML_StopParser(parser_, XML_FALSE);
  }

  // Exceptions must not unwind through expat's C frames.
  template <typename F>
  static void guarded(void* self, F&& f) {
    auto* p = static_cast<ContentParser*>(self);
    try {
      f(p);
    } catch (const std::bad_alloc&) {
      p->fail(tr("out of memory"));
    } catch (const std::exception& e) {
      p->fail(e.what());
    }
  }
  static void onStart(void* self, const char* name, const char** atts) {
    guarded(self, [&](ContentParser* p) { p->start(localName(name), atts); });
  }
  static void onEnd(void* self, const char* name) {
    guarded(self, [&](ContentParser* p) { p->end(localName(name)); });
  }
  static void onText(void* self, const char* text, int len) {
    guarded(self, [&](ContentParser* p) {
      if (p->collect_ && !p->in_annotation_ && p->paragraphs_ > 0)
        p->collect_->append(text, size_t(len));
    });
  }
  // ODF parts carry no DTD: refusing one means no entity is ever declared or expanded.
  static void onDoctype(void* self, const XML_Char*, const XML_Char*, const XML_Char*, int) {
    static_cast<ContentParser*>(self)->fail(
        "content.xml: " + tr("a DOCTYPE declaration, which workbooks never have: refused"));
  }

  XML_Parser parser_ = nullptr;
  std::unique_ptr<ZipFile::Entry> entry_;
  bool suspended_ = false;
  bool finished_ = false;  // the last chunk was given to expat
  long target_;
  const RowSink* sink_;
  std::string failure_;
  bool stopped_ = false;

  std::string style_;
  std::unordered_set<std::string> hidden_styles_;
  int table_depth_ = 0;
  bool reading_ = false;
  Row row_;
  uint64_t next_row_ = 1;
  uint64_t row_repeat_ = 1;
  uint64_t cell_repeat_ = 1;
  uint64_t expanded_ = 0;
  uint64_t delivered_ = 0;
  int col_ = 0;
  bool in_cell_ = false;
  int in_annotation_ = 0;
  int paragraphs_ = 0;
  Cell::Kind kind_ = Cell::Kind::Text;
  std::string text_, value_;
  std::string* collect_ = nullptr;
};

class OdsWorkbook : public Workbook {
 public:
  std::unique_ptr<ZipFile> zip;
  int content = -1;
  std::vector<SheetInfo> infos;

  const std::vector<SheetInfo>& sheets() const override { return infos; }
  bool readSheet(size_t index, const RowSink& sink, std::string* err) override {
    if (index >= infos.size())
      return *err = tr("no sheet {n} (the workbook has {count})",
                       {{"n", std::to_string(index + 1)}, {"count", std::to_string(infos.size())}}),
             false;
    // Sheets read in order (as the importer reads them) share one pass over content.xml.
    if (!reader_ || !reader_->retarget(long(index), &sink)) {
      reader_.reset();  // its zip entry is closed before another is opened
      reader_ = std::make_unique<ContentParser>(long(index), &sink);
    }
    return reader_->parse(*zip, content, err);
  }

 private:
  std::unique_ptr<ContentParser> reader_;
};

// Lists the tables of content.xml without expat, which would take as long as reading them:
// tags are found by a quote-aware byte scan and only five kinds are looked at (table:table
// and its end, style:style and its end, style:table-properties). It relies on the prefixes
// every ODF writer uses, so it runs only when the root element binds table: and style: to the
// ODF namespaces, and gives up (false) on anything it does not expect — CDATA, a DOCTYPE, an
// unknown entity, a tag longer than 1 MiB — whereupon expat lists the tables instead.
bool scanTables(ZipFile& zip, int index, std::vector<SheetInfo>* out) {
  std::string zerr;
  auto entry = zip.openEntry(index, &zerr);
  if (!entry) return false;
  std::string buf;
  std::vector<char> chunk(kChunk);
  bool root = true, eof = false;
  int depth = 0;
  std::string style;
  std::unordered_set<std::string> hidden;
  auto attrOf = [](std::string_view tag, std::string_view name, std::string* v) {
    for (size_t at = 0; (at = tag.find(name, at)) != std::string_view::npos; at += name.size()) {
      char before = at > 0 ? tag[at - 1] : '<';
      size_t q = at + name.size();
      if ((before != ' ' && before != '\t' && before != '\n' && before != '\r') ||
          q + 1 >= tag.size() || tag[q] != '=' || (tag[q + 1] != '"' && tag[q + 1] != '\''))
        continue;
      size_t end = tag.find(tag[q + 1], q + 2);
      if (end == std::string_view::npos) return false;
      std::string_view raw = tag.substr(q + 2, end - q - 2);
      v->clear();
      for (size_t i = 0; i < raw.size(); ++i) {
        if (raw[i] != '&') {
          v->push_back(raw[i]);
          continue;
        }
        size_t semi = raw.find(';', i);
        if (semi == std::string_view::npos) return false;
        std::string_view ent = raw.substr(i + 1, semi - i - 1);
        if (ent == "amp")
          v->push_back('&');
        else if (ent == "lt")
          v->push_back('<');
        else if (ent == "gt")
          v->push_back('>');
        else if (ent == "quot")
          v->push_back('"');
        else if (ent == "apos")
          v->push_back('\'');
        else
          return false;  // character references: expat decides
        i = semi;
      }
      return true;
    }
    v->clear();
    return true;
  };
  auto isTag = [](std::string_view tag, std::string_view name) {
    if (!tag.starts_with(name)) return false;
    char c = tag.size() > name.size() ? tag[name.size()] : '>';
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '/' || c == '>';
  };
  size_t pos = 0;
  std::string v;
  for (;;) {
    size_t lt = buf.find('<', pos);
    size_t end = std::string::npos;
    if (lt != std::string::npos) {
      std::string_view rest = std::string_view(buf).substr(lt);
      if (rest.starts_with("<![CDATA[") || rest.starts_with("<!DOCTYPE")) return false;
      if (rest.starts_with("<!--")) {
        size_t e = buf.find("-->", lt + 4);
        if (e != std::string::npos) {
          pos = e + 3;
          continue;
        }
      } else {
        char quote = 0;
        for (size_t i = lt + 1; i < buf.size(); ++i) {
          char c = buf[i];
          if (quote) {
            if (c == quote) quote = 0;
          } else if (c == '"' || c == '\'') {
            quote = c;
          } else if (c == '>') {
            end = i;
            break;
          }
        }
      }
    }
    if (end == std::string::npos) {  // need more bytes
      if (eof) break;
      size_t keep = lt == std::string::npos ? buf.size() : lt;
      buf.erase(0, keep);
      pos = 0;
      if (buf.size() > (size_t(1) << 20)) return false;
      long n = entry->read(chunk.data(), chunk.size(), &zerr);
      if (n < 0) return false;
      eof = n == 0;
      buf.append(chunk.data(), size_t(n));
      continue;
    }
    std::string_view tag = std::string_view(buf).substr(lt + 1, end - lt - 1);
    pos = end + 1;
    if (tag.starts_with("?")) continue;
    if (root) {
      root = false;
      if (tag.find("xmlns:table=\"urn:oasis:names:tc:opendocument:xmlns:table:1.0\"") ==
              std::string_view::npos ||
          tag.find("xmlns:style=\"urn:oasis:names:tc:opendocument:xmlns:style:1.0\"") ==
              std::string_view::npos)
        return false;
      continue;
    }
    bool empty = tag.ends_with("/");
    if (isTag(tag, "table:table")) {
      if (depth++ == 0) {
        SheetInfo si;
        std::string st;
        if (!attrOf(tag, "table:name", &si.name) || !attrOf(tag, "table:style-name", &st))
          return false;
        si.hidden = !st.empty() && hidden.count(st) > 0;
        out->push_back(std::move(si));
      }
      if (empty) --depth;
    } else if (isTag(tag, "/table:table")) {
      if (--depth < 0) return false;
    } else if (isTag(tag, "style:style")) {
      if (!attrOf(tag, "style:name", &style)) return false;
      if (empty) style.clear();
    } else if (isTag(tag, "/style:style")) {
      style.clear();
    } else if (isTag(tag, "style:table-properties")) {
      if (!attrOf(tag, "table:display", &v)) return false;
      if (v == "false" && !style.empty()) hidden.insert(style);
    }
  }
  return depth == 0 && entry->finish(&zerr);
}

}  // namespace

bool isOds(const std::string& path) {
  std::string err;
  auto zip = ZipFile::open(path, &err);
  return zip && zip->find("content.xml") >= 0 && zip->find("xl/workbook.xml") < 0;
}

std::unique_ptr<Workbook> openOds(const std::string& path, std::string* err,
                                  uint64_t max_inflated) {
  if (ReadProgress* progress = ReadProgress::active()) progress->beginInput(path, -1);
  try {
    auto wb = std::make_unique<OdsWorkbook>();
    wb->zip = ZipFile::open(path, err, max_inflated);
    if (!wb->zip) return nullptr;
    wb->content = wb->zip->find("content.xml");
    if (wb->content < 0)
      return *err = tr("not an OpenDocument spreadsheet: no content.xml"), nullptr;
    if (!scanTables(*wb->zip, wb->content, &wb->infos)) {
      wb->infos.clear();
      ContentParser list(-1, nullptr);
      if (!list.parse(*wb->zip, wb->content, err)) return nullptr;
      wb->infos = std::move(list.sheets);
    }
    return wb;
  } catch (const std::bad_alloc&) {
    *err = tr("out of memory");
  } catch (const std::exception& e) {
    *err = e.what();
  }
  return nullptr;
}

}  // namespace vetkit
