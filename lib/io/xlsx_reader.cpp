#include "io/xlsx_reader.h"

#include "core/text_catalogue.h"

#include <expat.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <new>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/limits.h"
#include "core/read_progress.h"
#include "io/sheet_xml.h"
#include "io/xlsx_marker.h"
#include "io/zip_file.h"
#include "text/utf8.h"

namespace vetkit {

namespace {

// What expat and the fast scanner read at a time; both must use the same (see readFast).
constexpr size_t kChunk = 256 * 1024;
// Shared strings are held in memory for the whole read, so their total — text and the index
// of 8 bytes a string — is capped: 128 MiB holds the strings of a sheet of a million rows of
// real names and addresses several times over, and with the arena's growth the peak stays
// under 256 MiB (docs/SECURITY.md). The same cap bounds one text run of any part.
constexpr size_t kMaxSharedStrings = size_t(128) << 20;

// Writers disagree on prefixes (<x:c> from .NET libraries, none from Excel), and a few leave
// prefixes undeclared, so expat runs without namespace processing and we match local names.
inline const char* localName(const char* name) {
  const char* l = name;
  for (const char* p = name; *p; ++p)
    if (*p == ':') l = p + 1;
  return l;
}

// Equality with a literal, inlined: the hot worksheet events compare against a few of them.
template <size_t N>
inline bool eq(std::string_view s, const char (&lit)[N]) {
  return s.size() == N - 1 && std::memcmp(s.data(), lit, N - 1) == 0;
}

inline bool is(const char* a, const char* b) {
  return std::strcmp(a, b) == 0;
}

const char* attr(const char** atts, const char* local) {
  for (; *atts; atts += 2)
    if (is(localName(atts[0]), local)) return atts[1];
  return nullptr;
}

bool endsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

// Parses a non-negative decimal integer, ignoring surrounding blanks; -1 if there is none.
long long parseIndex(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  if (s.empty() || s.size() > 18) return -1;
  long long n = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return -1;
    n = n * 10 + (c - '0');
  }
  return n;
}

// Value of the _xHHHH_ escape at s[i], or -1 when there is none there.
long escapeAt(std::string_view s, size_t i) {
  if (i + 7 > s.size() || s[i] != '_' || s[i + 1] != 'x' || s[i + 6] != '_') return -1;
  long v = 0;
  for (size_t k = i + 2; k < i + 6; ++k) {
    char c = s[k];
    int d = c >= '0' && c <= '9'   ? c - '0'
            : c >= 'a' && c <= 'f' ? c - 'a' + 10
            : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                   : -1;
    if (d < 0) return -1;
    v = v * 16 + d;
  }
  return v;
}

// OOXML writes characters XML cannot carry (CR, control codes) as _xHHHH_, and a literal
// "_x000D_" as "_x005F_x000D_"; decoding left to right without rescanning output handles both.
void decodeEscapes(std::string* s, size_t from) {
  size_t first = s->find("_x", from);
  if (first == std::string::npos) return;
  std::string_view in(*s);
  std::string out(in.substr(from, first - from));
  size_t i = first;
  while (i < in.size()) {
    long v = in[i] == '_' ? escapeAt(in, i) : -1;
    if (v < 0) {
      out.push_back(in[i++]);
      continue;
    }
    uint32_t cp = uint32_t(v);
    size_t len = 7;
    if (cp >= 0xD800 && cp <= 0xDBFF) {
      long lo = escapeAt(in, i + 7);
      if (lo >= 0xDC00 && lo <= 0xDFFF) {
        cp = 0x10000 + ((cp - 0xD800) << 10) + uint32_t(lo - 0xDC00);
        len = 14;
      }
    }
    if (cp >= 0xD800 && cp <= 0xDFFF) {  // lone surrogate: not encodable, keep as written
      out.append(in.substr(i, 7));
    } else {
      appendUtf8(out, cp);
    }
    i += len;
  }
  s->resize(from);
  s->append(out);
}

// How much of a date a cell's number format shows.
constexpr uint8_t kNoDate = 0, kYear = 1, kMonth = 2, kDay = 3;

// How much of a date a number format code shows (DatePrecision): none (not a date or time),
// the year, the month, or the day (a time counts as the day). Only tokens outside quoted
// text, \-escapes, _/* padding and [..] brackets count; [h], [mm], [ss] elapsed times do.
// A cell shown as 1986年10月 was typed as a month: read at that precision, it is not taken
// for 1986-10-01 later (merge and diff compare dates by precision).
uint8_t datePrecision(std::string_view f) {
  bool year = false, month = false, day = false, time = false;
  for (size_t i = 0; i < f.size(); ++i) {
    char c = f[i];
    switch (c) {
      case '"': {
        size_t j = f.find('"', i + 1);
        if (j == std::string_view::npos) return false;
        i = j;
        break;
      }
      case '\\':
      case '_':
      case '*':
        ++i;
        break;
      case '[': {
        size_t j = f.find(']', i + 1);
        if (j == std::string_view::npos) return false;
        std::string_view in = f.substr(i + 1, j - i - 1);
        if (!in.empty() && in.find_first_not_of("hHmMsS") == std::string_view::npos) time = true;
        i = j;
        break;
      }
      case 'E':
      case 'e':
        if (i + 1 < f.size() && (f[i + 1] == '+' || f[i + 1] == '-')) {  // 0.00E+00
          ++i;
          break;
        }
        year = true;  // e and ee: the era year in East Asian locales
        break;
      case 'G':
      case 'g':
        if (f.size() - i >= 7) {
          std::string_view w = f.substr(i, 7);
          bool general = true;
          for (size_t k = 0; k < 7; ++k) general = general && (w[k] | 0x20) == "general"[k];
          if (general) i += 6;
        }
        break;
      case 'd':
      case 'D':
        day = true;
        break;
      case 'm':
      case 'M':
        month = true;  // or minutes, beside h or s: a time counts as the day anyway
        break;
      case 'y':
      case 'Y':
        year = true;
        break;
      case 'h':
      case 'H':
      case 's':
      case 'S':
        time = true;
        break;
      default:
        // 年 E5 B9 B4, 月 E6 9C 88, 日 E6 97 A5
        if (f.substr(i, 3) == "\xE5\xB9\xB4") year = true;
        if (f.substr(i, 3) == "\xE6\x9C\x88") month = true;
        if (f.substr(i, 3) == "\xE6\x97\xA5") day = true;
    }
  }
  if (day || time) return kDay;
  if (month) return kMonth;
  return year ? kYear : kNoDate;
}

// The built-in formats (ECMA-376 §18.8.30, as Excel shows them in zh-CN): 17 mmm-yy and
// 27, 36, 50, 52, 57 yyyy"年"m"月" show the month; the others of these ranges a day or time.
uint8_t builtinDatePrecision(long id) {
  if (id == 17 || id == 27 || id == 36 || id == 50 || id == 52 || id == 57) return kMonth;
  bool date = (id >= 14 && id <= 22) || (id >= 27 && id <= 36) || (id >= 45 && id <= 47) ||
              (id >= 50 && id <= 58);
  return date ? kDay : kNoDate;
}

// Howard Hinnant's civil_from_days: days since 1970-01-01 to year, month, day.
void civilFromDays(long long z, int* y, int* m, int* d) {
  z += 719468;
  long long era = (z >= 0 ? z : z - 146096) / 146097;
  long long doe = z - era * 146097;
  long long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  long long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  long long mp = (5 * doy + 2) / 153;
  *d = int(doy - (153 * mp + 2) / 5 + 1);
  *m = int(mp < 10 ? mp + 3 : mp - 9);
  *y = int(yoe + era * 400 + (*m <= 2));
}

void putDigits(std::string* out, int v, int width) {
  char buf[8];
  for (int k = width - 1; k >= 0; --k, v /= 10) buf[k] = char('0' + v % 10);
  out->append(buf, size_t(width));
}

void appendIso(std::string* out, int y, int m, int d, int hh, int mm, int ss) {
  putDigits(out, y, 4);
  out->push_back('-');
  putDigits(out, m, 2);
  out->push_back('-');
  putDigits(out, d, 2);
  if (hh || mm || ss) {
    out->push_back('T');
    putDigits(out, hh, 2);
    out->push_back(':');
    putDigits(out, mm, 2);
    out->push_back(':');
    putDigits(out, ss, 2);
  }
}

// Converts a date serial to ISO text. Fails on what has no calendar date: day 0 of the 1900
// system, Excel's phantom 1900-02-29 (serial 60), negatives and anything past 9999-12-31.
bool serialToIso(std::string_view v, bool date1904, std::string* out) {
  while (!v.empty() && v.front() == ' ') v.remove_prefix(1);
  while (!v.empty() && v.back() == ' ') v.remove_suffix(1);
  double d = 0;
  auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), d);
  if (ec != std::errc() || end != v.data() + v.size()) return false;
  if (!(d >= 0) || d >= 2958466.0) return false;
  long long total = std::llround(d * 86400.0);
  long long days = total / 86400;
  int secs = int(total % 86400);
  long long unixDays;
  if (date1904) {
    if (days + 1462 > 2958465) return false;
    unixDays = days - 24107;
  } else {
    if (days == 0 || days == 60 || days > 2958465) return false;
    // Excel counts the nonexistent 1900-02-29, so serials before it are one day early.
    unixDays = days < 60 ? days - 25568 : days - 25569;
  }
  int y, m, dd;
  civilFromDays(unixDays, &y, &m, &dd);
  out->clear();
  appendIso(out, y, m, dd, secs / 3600, secs / 60 % 60, secs % 60);
  return true;
}

bool digitsAt(std::string_view s, size_t pos, size_t n, int* v) {
  if (pos + n > s.size()) return false;
  int r = 0;
  for (size_t k = pos; k < pos + n; ++k) {
    if (s[k] < '0' || s[k] > '9') return false;
    r = r * 10 + (s[k] - '0');
  }
  *v = r;
  return true;
}

// Normalises the ISO text of a t="d" cell ("2023-05-01T00:00:00Z", "2023-05-01T08:30:00.000")
// to the form date serials get; fails on anything else.
bool normalizeIsoDate(std::string_view v, std::string* out) {
  int y, m, d, hh = 0, mm = 0, ss = 0;
  if (!digitsAt(v, 0, 4, &y) || v.size() < 10 || v[4] != '-' || !digitsAt(v, 5, 2, &m) ||
      v[7] != '-' || !digitsAt(v, 8, 2, &d) || m < 1 || m > 12 || d < 1 || d > 31)
    return false;
  if (v.size() > 10) {
    if ((v[10] != 'T' && v[10] != ' ') || !digitsAt(v, 11, 2, &hh) || v.size() < 16 ||
        v[13] != ':' || !digitsAt(v, 14, 2, &mm))
      return false;
    if (v.size() > 16 && v[16] == ':' && !digitsAt(v, 17, 2, &ss)) return false;
  }
  out->clear();
  appendIso(out, y, m, d, hh, mm, ss);
  return true;
}

std::string dirOf(const std::string& part) {
  size_t slash = part.rfind('/');
  return slash == std::string::npos ? std::string() : part.substr(0, slash + 1);
}

// Base of the SAX parsers: feeds one zip entry through expat in chunks and turns every way it
// can fail (damaged zip data, bad XML, an exception in a handler) into one error string.
class Sax {
 public:
  virtual ~Sax() {
    if (parser_) XML_ParserFree(parser_);
  }

  bool parse(ZipFile& zip, int index, const std::string& what, std::string* err) {
    parser_ = XML_ParserCreate(nullptr);
    if (!parser_) {
      *err = what + ": " + tr("out of memory");
      return false;
    }
    XML_SetUserData(parser_, this);
    XML_SetElementHandler(parser_, onStart, onEnd);
    XML_SetCharacterDataHandler(parser_, onText);
    // Office Open XML parts never carry a DTD (ECMA-376 Part 2, M1.17). Refusing one outright
    // means no entity is ever declared, expanded (billion laughs) or fetched (external).
    XML_SetStartDoctypeDeclHandler(parser_, onDoctype);
    std::string zerr;
    auto entry = zip.openEntry(index, &zerr);
    if (!entry) {
      *err = what + ": " + zerr;
      return false;
    }
    for (;;) {
      void* buf = XML_GetBuffer(parser_, int(kChunk));
      if (!buf) {
        *err = what + ": " + tr("out of memory");
        return false;
      }
      long n = entry->read(static_cast<char*>(buf), kChunk, &zerr);
      if (n < 0) {
        *err = what + ": " + zerr;
        return false;
      }
      if (XML_ParseBuffer(parser_, int(n), n == 0) != XML_STATUS_OK) {
        if (!failure_.empty()) {
          *err = what + ": " + failure_;
          return false;
        }
        if (stopped_) return true;  // the row sink asked to stop
        *err = what + ": " +
               tr("malformed XML at line {line}: {reason}",
                  {{"line", std::to_string(XML_GetCurrentLineNumber(parser_))},
                   {"reason", XML_ErrorString(XML_GetErrorCode(parser_))}});
        return false;
      }
      if (n == 0) break;
    }
    if (!entry->finish(&zerr)) {
      *err = what + ": " + zerr;
      return false;
    }
    return true;
  }

 protected:
  virtual void start(const char* local, const char** atts) = 0;
  virtual void end(const char* local) = 0;

  void fail(std::string why) {
    if (failure_.empty()) failure_ = std::move(why);
    XML_StopParser(parser_, XML_FALSE);
  }
  void stop() {
    stopped_ = true;
    XML_StopParser(parser_, XML_FALSE);
  }

  // Character data goes here while an element whose text matters is open, else nowhere.
  std::string* collect_ = nullptr;

 private:
  // Exceptions must not unwind through expat's C frames, so every callback catches.
  static void onStart(void* self, const char* name, const char** atts) {
    auto* s = static_cast<Sax*>(self);
    if (++s->depth_ > sheetxml::kMaxElementDepth) {
      s->fail(tr("elements nested more than {depth} deep, which no workbook needs: refused",
                 {{"depth", std::to_string(sheetxml::kMaxElementDepth)}}));
      return;
    }
    try {
      s->start(localName(name), atts);
    } catch (const std::bad_alloc&) {
      s->fail(tr("out of memory"));
    } catch (const std::exception& e) {
      s->fail(e.what());
    } catch (...) {
      s->fail(tr("unknown error"));
    }
  }
  static void onEnd(void* self, const char* name) {
    auto* s = static_cast<Sax*>(self);
    --s->depth_;
    try {
      s->end(localName(name));
    } catch (const std::bad_alloc&) {
      s->fail(tr("out of memory"));
    } catch (const std::exception& e) {
      s->fail(e.what());
    } catch (...) {
      s->fail(tr("unknown error"));
    }
  }
  static void onDoctype(void* self, const XML_Char*, const XML_Char*, const XML_Char*, int) {
    static_cast<Sax*>(self)->fail(tr("a DOCTYPE declaration, which workbooks never have: refused"));
  }
  static void onText(void* self, const char* text, int len) {
    auto* s = static_cast<Sax*>(self);
    if (!s->collect_) return;
    // One text run can be the whole part: bounded here, not only when its element ends.
    if (s->collect_->size() + size_t(len) > kMaxSharedStrings) {
      s->fail(tr("more than {mib} MiB of text (the limit of what is held in memory)",
                 {{"mib", std::to_string(kMaxSharedStrings >> 20)}}));
      return;
    }
    try {
      s->collect_->append(text, size_t(len));
    } catch (...) {
      s->fail(tr("out of memory"));
    }
  }

  XML_Parser parser_ = nullptr;
  std::string failure_;
  bool stopped_ = false;
  size_t depth_ = 0;
};

struct Relationship {
  std::string id, type, target;
  bool external = false;
};

class RelsParser : public Sax {
 public:
  std::vector<Relationship> rels;

 protected:
  void start(const char* local, const char** atts) override {
    if (!is(local, "Relationship")) return;
    Relationship r;
    if (const char* v = attr(atts, "Id")) r.id = v;
    if (const char* v = attr(atts, "Type")) r.type = v;
    if (const char* v = attr(atts, "Target")) r.target = v;
    if (const char* v = attr(atts, "TargetMode")) r.external = is(v, "External");
    rels.push_back(std::move(r));
  }
  void end(const char*) override {}
};

struct SheetEntry {
  std::string name, rid;
  bool hidden = false;
};

class WorkbookParser : public Sax {
 public:
  std::vector<SheetEntry> sheets;
  bool date1904 = false;
  std::vector<long long> summaries;  // sheets vetvalidate --annotate added (xlsx_marker.h)

 protected:
  void start(const char* local, const char** atts) override {
    if (is(local, "sheet")) {
      SheetEntry s;
      if (const char* v = attr(atts, "name")) s.name = v;
      // The relationship id is r:id; "id" also matches a prefix-less id some writers use.
      if (const char* v = attr(atts, "id")) s.rid = v;
      if (const char* v = attr(atts, "state")) s.hidden = is(v, "hidden") || is(v, "veryHidden");
      sheets.push_back(std::move(s));
    } else if (is(local, "workbookPr")) {
      if (const char* v = attr(atts, "date1904")) date1904 = is(v, "1") || is(v, "true");
    } else if (is(local, "definedName")) {
      const char* name = attr(atts, "name");
      const char* sheet = attr(atts, "localSheetId");
      if (name && sheet && is(name, kSummaryDefinedName)) summaries.push_back(parseIndex(sheet));
    }
  }
  void end(const char*) override {}
};

class StylesParser : public Sax {
 public:
  std::unordered_map<long, uint8_t> customPrecision;
  std::vector<long> xfFormats;

 protected:
  void start(const char* local, const char** atts) override {
    if (is(local, "numFmts")) {
      inNumFmts_ = true;
    } else if (is(local, "cellXfs")) {
      inCellXfs_ = true;
    } else if (inNumFmts_ && is(local, "numFmt")) {
      const char* id = attr(atts, "numFmtId");
      const char* code = attr(atts, "formatCode");
      if (id && code) customPrecision[parseIndex(id)] = datePrecision(code);
    } else if (inCellXfs_ && is(local, "xf")) {
      const char* id = attr(atts, "numFmtId");
      xfFormats.push_back(id ? parseIndex(id) : 0);
    }
  }
  void end(const char* local) override {
    if (is(local, "numFmts")) inNumFmts_ = false;
    if (is(local, "cellXfs")) inCellXfs_ = false;
  }

 private:
  bool inNumFmts_ = false;
  bool inCellXfs_ = false;
};

// The shared strings table: every string back to back in one arena, so a million short names
// cost a million offsets rather than a million heap blocks.
struct SharedStrings {
  std::string arena;
  std::vector<uint64_t> offsets{0};
  size_t size() const { return offsets.size() - 1; }
  std::string_view at(size_t i) const {
    return std::string_view(arena).substr(offsets[i], offsets[i + 1] - offsets[i]);
  }
};

class SharedStringsParser : public Sax {
 public:
  explicit SharedStringsParser(SharedStrings* sst) : sst_(sst) {}

 protected:
  void start(const char* local, const char** atts) override {
    switch (local[0]) {
      case 's':
        if (is(local, "si")) {
          inSi_ = true;
          phonetic_ = 0;
        } else if (is(local, "sst")) {
          const char* n = attr(atts, "uniqueCount");
          long long count = n ? parseIndex(n) : -1;
          // The count is only a hint from the file, so cap what we trust it with.
          if (count > 0) sst_->offsets.reserve(size_t(std::min<long long>(count, 1 << 20)) + 1);
        }
        break;
      case 't':
        if (inSi_ && phonetic_ == 0 && local[1] == '\0') collect_ = &sst_->arena;
        break;
      case 'r':
        // <rPh> holds the furigana/pinyin reading of the runs, not part of the string.
        if (is(local, "rPh")) ++phonetic_;
        break;
    }
  }
  void end(const char* local) override {
    if (local[0] == 't' && local[1] == '\0') {
      collect_ = nullptr;
    } else if (is(local, "rPh")) {
      --phonetic_;
    } else if (is(local, "si")) {
      inSi_ = false;
      decodeEscapes(&sst_->arena, size_t(sst_->offsets.back()));
      sst_->offsets.push_back(sst_->arena.size());
      if (overlongCell(sst_->at(sst_->size() - 1)))
        fail(tr("shared string {index} longer than {chars} characters (Excel's limit)",
                {{"index", std::to_string(sst_->size() - 1)},
                 {"chars", std::to_string(kMaxCellChars)}}));
      else if (sst_->arena.size() + sst_->offsets.size() * sizeof(uint64_t) > kMaxSharedStrings)
        fail(tr("more than {mib} MiB of text (the limit of what is held in memory)",
                {{"mib", std::to_string(kMaxSharedStrings >> 20)}}));
    }
  }

 private:
  SharedStrings* sst_;
  bool inSi_ = false;
  int phonetic_ = 0;
};

enum class CellType : uint8_t { Number, Shared, Inline, Str, Bool, Error, IsoDate };

// What the cells of a worksheet mean, fed element events by either the fast scanner
// (io/sheet_xml.h) or expat, so both readers share one interpretation. Elements are matched by
// local name wherever they nest, as the reader always did.
class SheetHandler {
 public:
  /// `skip` rows are read but not given to `sink`: those a fast read delivered before giving
  /// the sheet over to expat.
  SheetHandler(const SharedStrings& sst, const std::vector<uint8_t>& dateXf, bool date1904,
               const RowSink& sink, size_t skip = 0)
      : sst_(sst), dateXf_(dateXf), date1904_(date1904), sink_(sink), skip_(skip) {}

  // Inlined so that the scanner's literal shortcuts, which pass constant names, fold the switch.
  [[gnu::always_inline]] void start(std::string_view local, const sheetxml::Attr* atts, size_t n) {
    if (halted_ || local.empty()) return;
    switch (local[0]) {
      case 'c':
        if (local.size() == 1 && inRow_) beginCell(atts, n);
        break;
      case 'v':
        if (local.size() == 1 && inCell_) {
          value_.clear();
          collect_ = &value_;
        }
        break;
      case 'r':
        if (eq(local, "row") && inSheetData_) {
          beginRow(atts, n);
        } else if (inIs_ && eq(local, "rPh")) {
          ++phonetic_;
        }
        break;
      case 't':
        if (local.size() == 1 && inIs_ && phonetic_ == 0) collect_ = &value_;
        break;
      case 'i':
        if (eq(local, "is") && inCell_) {
          inIs_ = true;
          phonetic_ = 0;
          value_.clear();
        }
        break;
      case 's':
        if (eq(local, "sheetData")) inSheetData_ = true;
        break;
    }
  }

  [[gnu::always_inline]] void end(std::string_view local) {
    if (halted_ || local.empty()) return;
    switch (local[0]) {
      case 'c':
        if (local.size() == 1 && inCell_) endCell();
        break;
      case 'v':
      case 't':
        if (local.size() == 1) collect_ = nullptr;
        break;
      case 'r':
        if (eq(local, "row")) {
          if (inRow_) endRow();
        } else if (eq(local, "rPh")) {
          --phonetic_;
        }
        break;
      case 'i':
        if (eq(local, "is")) inIs_ = false;
        break;
      case 's':
        if (eq(local, "sheetData")) inSheetData_ = false;
        break;
    }
  }

  /// Where character data goes now: the value of an open <v> or <t>, else nowhere.
  std::string* collect() const { return collect_; }
  /// The sink asked to stop, or the sheet cannot be read on (failure() says why).
  bool halted() const { return halted_; }
  bool stopped() const { return stopped_; }
  const std::string& failure() const { return failure_; }
  /// Rows given to the sink so far.
  size_t delivered() const { return delivered_; }
  /// Rows still to be skipped; nonzero at the end means the readers disagreed.
  size_t skipLeft() const { return skip_; }

 private:
  [[gnu::noinline]] void beginRow(const sheetxml::Attr* atts, size_t n) {
    row_.cells.clear();  // keeps the cells: the next row reuses their buffers
    rowBytes_ = 0;
    long long num = -1;
    for (size_t i = 0; i < n; ++i)
      if (eq(atts[i].local, "r")) {  // the first r= counts, as expat-era code took it
        num = parseIndex(atts[i].value);
        break;
      }
    rowHasNumber_ = num > 0 && num <= 0x7fffffff;
    row_.number = rowHasNumber_ ? int(num) : row_.number + 1;
    col_ = -1;
    ordered_ = true;
    inRow_ = true;
  }

  [[gnu::noinline]] void endRow() {
    inRow_ = false;
    if (row_.cells.empty()) return;
    if (!ordered_)
      std::stable_sort(row_.cells.begin(), row_.cells.end(),
                       [](const Cell& a, const Cell& b) { return a.col < b.col; });
    if (skip_ > 0) {
      --skip_;
      return;
    }
    ++delivered_;
    if (!sink_(row_)) stopped_ = halted_ = true;
  }

  [[gnu::noinline]] void beginCell(const sheetxml::Attr* atts, size_t n) {
    std::string_view ref;
    bool hasRef = false;
    type_ = CellType::Number;
    style_ = 0;
    // Later attributes win over earlier ones with the same local name (r= and x:r=).
    for (size_t i = 0; i < n; ++i) {
      std::string_view name = atts[i].local;
      std::string_view v = atts[i].value;
      if (name.size() != 1) continue;
      if (name[0] == 'r') {
        ref = v;
        hasRef = true;
      } else if (name[0] == 's') {
        long s = 0;
        for (size_t k = 0; k < v.size() && v[k] >= '0' && v[k] <= '9' && s < 1000000000; ++k)
          s = s * 10 + (v[k] - '0');
        style_ = s;
      } else if (name[0] == 't') {
        type_ = eq(v, "s")           ? CellType::Shared
                : eq(v, "str")       ? CellType::Str
                : eq(v, "inlineStr") ? CellType::Inline
                : eq(v, "b")         ? CellType::Bool
                : eq(v, "e")         ? CellType::Error
                : eq(v, "d")         ? CellType::IsoDate
                                     : CellType::Number;
      }
    }
    int col = -1;
    if (hasRef) {
      size_t k = 0;
      int c = 0;
      for (; k < ref.size() && c <= 16384 &&
             ((ref[k] >= 'A' && ref[k] <= 'Z') || (ref[k] >= 'a' && ref[k] <= 'z'));
           ++k)
        c = c * 26 + ((ref[k] | 0x20) - 'a' + 1);
      if (k > 0 && c <= 16384) col = c - 1;
      // A row without r= still has its number in the cell references when they are there.
      if (!rowHasNumber_ && row_.cells.empty() && col_ < 0) {
        long long num = parseIndex(ref.substr(k));
        if (num > 0 && num <= 0x7fffffff) row_.number = int(num);
      }
    }
    if (col < 0) col = col_ + 1;
    if (col <= col_) ordered_ = false;
    col_ = col;
    value_.clear();
    inCell_ = true;
  }

  Cell& addCell(Cell::Kind kind) {
    Cell& c = row_.cells.emplace_back();
    c.col = col_;
    c.kind = kind;
    return c;
  }

  void takeValue(Cell::Kind kind) {
    Cell& c = addCell(kind);
    c.text.swap(value_);  // hands the buffer over instead of copying; value_ gets a spare
  }

  [[gnu::noinline]] void endCell() {
    inCell_ = false;
    inIs_ = false;
    collect_ = nullptr;
    if (value_.empty()) return;
    if (overlongCell(value_)) {
      failure_ = overlongCellError(row_.number, col_);
      halted_ = true;
      return;
    }
    if (col_ >= kMaxColumns) {  // cells without r= count on past XFD
      failure_ = tooManyColumnsError(row_.number);
      halted_ = true;
      return;
    }
    if (rowTooBig(value_.size())) return;
    switch (type_) {
      case CellType::Shared: {
        long long i = parseIndex(value_);
        if (i < 0 || size_t(i) >= sst_.size()) {
          failure_ = tr("shared string index '{index}' out of range in row {row}",
                        {{"index", value_}, {"row", std::to_string(row_.number)}});
          halted_ = true;
          return;
        }
        std::string_view s = sst_.at(size_t(i));
        if (rowTooBig(s.size())) return;  // one short string, referenced 16,384 times
        if (!s.empty()) addCell(Cell::Kind::Text).text.assign(s);
        return;
      }
      case CellType::Inline:
      case CellType::Str:
        decodeEscapes(&value_, 0);
        if (!value_.empty()) takeValue(Cell::Kind::Text);
        return;
      case CellType::Bool:
        addCell(Cell::Kind::Bool).text = (value_ == "1" || value_ == "true") ? "TRUE" : "FALSE";
        return;
      case CellType::Error:
        takeValue(Cell::Kind::Error);
        return;
      case CellType::IsoDate:
        if (normalizeIsoDate(value_, &scratch_))
          addCell(Cell::Kind::Date).text.assign(scratch_);
        else
          takeValue(Cell::Kind::Text);
        return;
      case CellType::Number:
        if (size_t(style_) < dateXf_.size() && dateXf_[size_t(style_)] &&
            serialToIso(value_, date1904_, &scratch_)) {
          uint8_t shown = dateXf_[size_t(style_)];
          if (shown == kMonth) scratch_.resize(7);  // 1986-10
          if (shown == kYear) scratch_.resize(4);   // 1986
          addCell(Cell::Kind::Date).text.assign(scratch_);
          return;
        }
        takeValue(Cell::Kind::Number);
        return;
    }
  }

  // A row is held whole until it ends: as much as a CSV line may hold (kMaxLineBytes), and
  // no more. True, with the failure set, past it.
  bool rowTooBig(size_t more) {
    rowBytes_ += more;
    if (rowBytes_ <= kMaxLineBytes) return false;
    failure_ = tr("row {row}: cells of more than {size} in all (the limit of a row)",
                  {{"row", std::to_string(row_.number)}, {"size", maxLineText()}});
    halted_ = true;
    return true;
  }

  const SharedStrings& sst_;
  const std::vector<uint8_t>& dateXf_;
  bool date1904_;
  const RowSink& sink_;
  size_t skip_;
  size_t delivered_ = 0;
  std::string failure_;
  bool stopped_ = false;
  bool halted_ = false;  // stopped_ or a failure_
  size_t rowBytes_ = 0;  // text of the row's cells so far
  std::string* collect_ = nullptr;

  Row row_;
  std::string value_;
  std::string scratch_;
  CellType type_ = CellType::Number;
  long style_ = 0;
  int col_ = -1;
  int phonetic_ = 0;
  bool inSheetData_ = false;
  bool inRow_ = false;
  bool inCell_ = false;
  bool inIs_ = false;
  bool rowHasNumber_ = false;
  bool ordered_ = true;
};

// Drives a SheetHandler from expat: the reference reader, and the fallback of the fast one.
class SheetParser : public Sax {
 public:
  explicit SheetParser(SheetHandler& h) : h_(h) {}

 protected:
  void start(const char* local, const char** atts) override {
    attrs_.clear();
    for (; *atts; atts += 2) attrs_.push_back(sheetxml::Attr{atts[0], localName(atts[0]), atts[1]});
    h_.start(local, attrs_.data(), attrs_.size());
    sync();
  }
  void end(const char* local) override {
    h_.end(local);
    sync();
  }

 private:
  void sync() {
    collect_ = h_.collect();
    if (!h_.failure().empty())
      fail(h_.failure());
    else if (h_.stopped())
      stop();
  }

  SheetHandler& h_;
  std::vector<sheetxml::Attr> attrs_;
};

enum class FastRead : uint8_t { Ok, Failed, GiveUp };

// Reads a worksheet with the fast scanner. GiveUp means the scanner met something it does not
// handle (or damage, XML or zip); the rows it delivered so far are then a prefix of what expat
// delivers, so expat can reread the part skipping that many rows and end up exactly where an
// expat-only read would, error message and line number included.
FastRead readFast(ZipFile& zip, int index, SheetHandler& h, const std::string& what,
                  std::string* err) {
  try {
    std::string zerr;
    auto entry = zip.openEntry(index, &zerr);
    if (!entry) return FastRead::GiveUp;  // expat's attempt reports the same failure
    sheetxml::Scanner<SheetHandler> scanner(h);
    std::vector<char> buf(2 * kChunk + sheetxml::kPad);
    size_t len = 0;  // unconsumed bytes at the front of buf
    // A progress display, when one listens, hears of the rows once per chunk.
    ReadProgress* progress = ReadProgress::active();
    size_t rows_told = h.delivered();
    for (;;) {
      if (buf.size() < len + kChunk + sheetxml::kPad)
        buf.resize(std::max(2 * buf.size(), len + kChunk + sheetxml::kPad));
      // Chunks the size expat reads, so a zip error cuts both readers off at the same byte.
      long n = entry->read(buf.data() + len, kChunk, &zerr);
      if (n < 0) return FastRead::GiveUp;
      len += size_t(n);
      std::memset(buf.data() + len, 0, sheetxml::kPad);
      size_t used = 0;
      sheetxml::Status status = scanner.scan(buf.data(), len, n == 0, &used);
      if (progress) {
        progress->addRows(h.delivered() - rows_told);
        rows_told = h.delivered();
      }
      switch (status) {
        case sheetxml::Status::NeedMore:
          if (n == 0) return FastRead::GiveUp;
          std::memmove(buf.data(), buf.data() + used, len - used);
          len -= used;
          break;
        case sheetxml::Status::Halted:
          if (h.stopped()) return FastRead::Ok;
          *err = what + ": " + h.failure();
          return FastRead::Failed;
        case sheetxml::Status::GiveUp:
          return FastRead::GiveUp;
        case sheetxml::Status::Done:
          // Expat would have read the same bytes to the same end, so a bad CRC is reported
          // as it would report it.
          if (!entry->finish(&zerr)) {
            *err = what + ": " + zerr;
            return FastRead::Failed;
          }
          return FastRead::Ok;
      }
    }
  } catch (const std::bad_alloc&) {
    *err = what + ": " + tr("out of memory");
  } catch (const std::exception& e) {
    *err = what + ": " + e.what();
  } catch (...) {
    *err = what + ": " + tr("unknown error");
  }
  return FastRead::Failed;
}

enum class ReaderChoice : uint8_t { Auto, Expat, Fast };

// VETKIT_XLSX_READER=expat reads worksheets with expat alone, =fast with the fast scanner alone
// (a sheet it gives up on is an error): for the differential tests, and expat as an escape
// hatch should the scanner ever misread a file.
ReaderChoice readerChoice() {
  const char* v = std::getenv("VETKIT_XLSX_READER");
  if (v && std::strcmp(v, "expat") == 0) return ReaderChoice::Expat;
  if (v && std::strcmp(v, "fast") == 0) return ReaderChoice::Fast;
  return ReaderChoice::Auto;
}

class XlsxWorkbook : public Workbook {
 public:
  std::unique_ptr<ZipFile> zip;
  std::vector<SheetInfo> infos;
  std::vector<int> entries;  // zip entry of each sheet, -1 when its part is missing
  int sharedStringsEntry = -1;
  int stylesEntry = -1;
  bool date1904 = false;

  const std::vector<SheetInfo>& sheets() const override { return infos; }

  bool readSheet(size_t index, const RowSink& sink, std::string* err) override {
    try {
      if (index >= infos.size()) {
        *err = tr("no sheet {n} (the workbook has {count})",
                  {{"n", std::to_string(index + 1)}, {"count", std::to_string(infos.size())}});
        return false;
      }
      if (!loadShared(err)) return false;
      std::string what = tr("sheet '{name}'", {{"name", infos[index].name}});
      if (entries[index] < 0) {
        *err = what + ": " + tr("worksheet part missing from the file");
        return false;
      }
      size_t skip = 0;
      ReaderChoice choice = readerChoice();
      if (choice != ReaderChoice::Expat) {
        SheetHandler fast(sst_, dateXf_, date1904, sink);
        switch (readFast(*zip, entries[index], fast, what, err)) {
          case FastRead::Ok:
            return true;
          case FastRead::Failed:
            return false;
          case FastRead::GiveUp:
            if (choice == ReaderChoice::Fast) {
              *err = what + ": " + tr("the fast reader gave up");
              return false;
            }
            skip = fast.delivered();
            break;
        }
      }
      SheetHandler handler(sst_, dateXf_, date1904, sink, skip);
      SheetParser parser(handler);
      bool parsed = parser.parse(*zip, entries[index], what, err);
      // expat's rows are told at the end: it is the rare path, and never the long one.
      if (ReadProgress* progress = ReadProgress::active()) progress->addRows(handler.delivered());
      if (!parsed) return false;
      if (handler.skipLeft() > 0) {
        *err = what + ": " + tr("internal error: the fast and expat readers disagree");
        return false;
      }
      return true;
    } catch (const std::bad_alloc&) {
      *err = tr("out of memory");
    } catch (const std::exception& e) {
      *err = e.what();
    } catch (...) {
      *err = tr("unknown error");
    }
    return false;
  }

 private:
  // Shared strings and styles wait for the first sheet read, so listing the sheets of a big
  // workbook stays cheap.
  bool loadShared(std::string* err) {
    if (loaded_) {
      if (!loadError_.empty()) *err = loadError_;
      return loadError_.empty();
    }
    loaded_ = true;
    if (sharedStringsEntry >= 0) {
      SharedStringsParser p(&sst_);
      if (!p.parse(*zip, sharedStringsEntry, "shared strings", &loadError_)) {
        *err = loadError_;
        return false;
      }
    }
    if (stylesEntry >= 0) {
      StylesParser p;
      if (!p.parse(*zip, stylesEntry, "styles", &loadError_)) {
        *err = loadError_;
        return false;
      }
      dateXf_.reserve(p.xfFormats.size());
      for (long id : p.xfFormats) {
        auto it = p.customPrecision.find(id);
        dateXf_.push_back(it != p.customPrecision.end() ? it->second : builtinDatePrecision(id));
      }
    }
    return true;
  }

  bool loaded_ = false;
  std::string loadError_;
  SharedStrings sst_;
  std::vector<uint8_t> dateXf_;
};

// Finds the entry a relationship points at; a few writers give targets relative to the package
// root rather than to the owning part, so that is tried second.
int locate(const ZipFile& zip, const std::string& sourceDir, const std::string& target) {
  int i = zip.find(resolveTarget(sourceDir, target));
  if (i < 0) i = zip.find(resolveTarget("", target));
  return i;
}

bool parseRels(ZipFile& zip, int entry, const std::string& what, std::vector<Relationship>* out,
               std::string* err) {
  RelsParser p;
  if (!p.parse(zip, entry, what, err)) return false;
  *out = std::move(p.rels);
  return true;
}

std::unique_ptr<Workbook> open(const std::string& path, std::string* err, uint64_t max_inflated) {
  auto wb = std::make_unique<XlsxWorkbook>();
  wb->zip = ZipFile::open(path, err, max_inflated);
  if (!wb->zip) return nullptr;
  ZipFile& zip = *wb->zip;

  std::string workbookPart;
  int workbookEntry = -1;
  if (int root = zip.find("_rels/.rels"); root >= 0) {
    std::vector<Relationship> rels;
    if (!parseRels(zip, root, "_rels/.rels", &rels, err)) return nullptr;
    for (const auto& r : rels) {
      if (r.external || !endsWith(r.type, "/officeDocument")) continue;
      workbookEntry = locate(zip, "", r.target);
      if (workbookEntry >= 0) break;
    }
  }
  if (workbookEntry < 0) workbookEntry = zip.find("xl/workbook.xml");
  if (workbookEntry < 0) {
    *err = tr("not an xlsx workbook: no xl/workbook.xml");
    if (zip.find("content.xml") >= 0 && zip.find("mimetype") >= 0)
      *err += tr(" (an OpenDocument .ods file?)");
    return nullptr;
  }
  workbookPart = normalizeZipName(zip.names()[size_t(workbookEntry)]);
  std::string dir = dirOf(workbookPart);
  std::string file = workbookPart.substr(dir.size());

  WorkbookParser wbp;
  if (!wbp.parse(zip, workbookEntry, file, err)) return nullptr;
  wb->date1904 = wbp.date1904;

  std::vector<Relationship> rels;
  int relsEntry = zip.find(dir + "_rels/" + file + ".rels");
  if (relsEntry >= 0 && !parseRels(zip, relsEntry, file + ".rels", &rels, err)) return nullptr;

  for (const auto& r : rels) {
    if (r.external) continue;
    if (endsWith(r.type, "/sharedStrings") && wb->sharedStringsEntry < 0)
      wb->sharedStringsEntry = locate(zip, dir, r.target);
    else if (endsWith(r.type, "/styles") && wb->stylesEntry < 0)
      wb->stylesEntry = locate(zip, dir, r.target);
  }
  if (wb->sharedStringsEntry < 0) wb->sharedStringsEntry = zip.find(dir + "sharedStrings.xml");
  if (wb->stylesEntry < 0) wb->stylesEntry = zip.find(dir + "styles.xml");

  for (size_t i = 0; i < wbp.sheets.size(); ++i) {
    const SheetEntry& s = wbp.sheets[i];
    // Re-checking a marked copy: its summary sheet is vetkit's, not the operator's data.
    if (std::find(wbp.summaries.begin(), wbp.summaries.end(), (long long)(i)) !=
        wbp.summaries.end())
      continue;
    int entry = -1;
    if (relsEntry < 0) {
      // Without relationships the conventional part names are the only guide.
      entry = zip.find(dir + "worksheets/sheet" + std::to_string(i + 1) + ".xml");
    } else {
      auto it = std::find_if(rels.begin(), rels.end(),
                             [&](const Relationship& r) { return r.id == s.rid; });
      if (it != rels.end()) {
        // Chart, dialog and macro sheets hold no cell table.
        if (!endsWith(it->type, "/worksheet")) continue;
        if (!it->external) entry = locate(zip, dir, it->target);
      }
    }
    wb->infos.push_back(SheetInfo{s.name, s.hidden});
    wb->entries.push_back(entry);
  }
  return wb;
}

}  // namespace

std::unique_ptr<Workbook> openXlsx(const std::string& path, std::string* err,
                                   uint64_t max_inflated) {
  if (ReadProgress* progress = ReadProgress::active()) progress->beginInput(path, -1);
  try {
    return open(path, err, max_inflated);
  } catch (const std::bad_alloc&) {
    *err = tr("out of memory");
  } catch (const std::exception& e) {
    *err = e.what();
  } catch (...) {
    *err = tr("unknown error");
  }
  return nullptr;
}

}  // namespace vetkit
