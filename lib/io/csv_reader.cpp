#include "io/csv_reader.h"

#include "core/text_catalogue.h"

#include <csv.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <vector>

#include "core/limits.h"
#include "core/read_progress.h"
#include "text/utf8.h"

namespace vetkit {

namespace {

constexpr size_t kChunk = 1 << 20;
// A line (one row without quoted line breaks) is buffered whole until its end is seen, up to
// kMaxLineBytes (core/limits.h), the limit of the record stream's lines too.
const std::string_view kBom = "\xEF\xBB\xBF";
// Excel's "Unicode 文本" is UTF-16 LE with this BOM, tab-separated; BE is rarer but exists.
const std::string_view kBomLe = "\xFF\xFE", kBomBe = "\xFE\xFF";

// Converts UTF-16 to UTF-8 chunk by chunk, carrying an odd byte or a high surrogate cut at a
// chunk's end over to the next. Unpaired surrogates become U+FFFD and are counted.
class Utf16Decoder {
 public:
  explicit Utf16Decoder(bool big_endian) : be_(big_endian) {}
  void decode(std::string_view in, std::string* out, bool final) {
    size_t i = 0;
    auto unit = [&](unsigned char a, unsigned char b) {
      return be_ ? char16_t(a << 8 | b) : char16_t(b << 8 | a);
    };
    auto put = [&](char16_t u) {
      at_ += 2;
      if (u == '\n') ++lines_;
      if (high_) {
        char16_t hi = high_;
        high_ = 0;
        if (u >= 0xDC00 && u <= 0xDFFF) {
          appendUtf8(*out, 0x10000 + ((char32_t(hi) - 0xD800) << 10) + (u - 0xDC00));
          return;
        }
        bad(out);
      }
      if (u >= 0xD800 && u <= 0xDBFF) {
        high_ = u;
      } else if (u >= 0xDC00 && u <= 0xDFFF) {
        bad(out);
      } else if (u < 0x80) {
        out->push_back(char(u));
      } else {
        appendUtf8(*out, u);
      }
    };
    if (odd_ && !in.empty()) {
      put(unit(odd_byte_, static_cast<unsigned char>(in[0])));
      odd_ = false;
      i = 1;
    }
    for (; i + 1 < in.size(); i += 2)
      put(unit(static_cast<unsigned char>(in[i]), static_cast<unsigned char>(in[i + 1])));
    if (i < in.size()) {
      odd_ = true;
      odd_byte_ = static_cast<unsigned char>(in[i]);
    }
    if (final) {
      if (high_ || odd_) bad(out);
      high_ = 0;
      odd_ = false;
    }
  }
  size_t invalidCount() const { return invalid_; }
  /// The 1-based byte (after the BOM) and line of the first unit replaced.
  uint64_t firstInvalidByte() const { return first_byte_; }
  size_t firstInvalidLine() const { return first_line_; }

 private:
  void bad(std::string* out) {
    if (invalid_++ == 0) first_byte_ = at_ - 1, first_line_ = lines_ + 1;
    out->append("\xEF\xBF\xBD");
  }
  bool be_;
  bool odd_ = false;
  unsigned char odd_byte_ = 0;
  char16_t high_ = 0;
  size_t invalid_ = 0;
  uint64_t at_ = 0;  // bytes decoded
  size_t lines_ = 0;
  uint64_t first_byte_ = 0;
  size_t first_line_ = 0;
};

// libcsv trims blanks around unquoted fields; only the space, so that a tab delimiter works
// (the importer trims values itself anyway).
int isSpaceOnly(unsigned char c) {
  return c == ' ' ? 1 : 0;
}

char guessDelimiter(std::string_view text) {
  size_t end = text.find('\n');
  std::string_view line = text.substr(0, end);
  size_t counts[3] = {0, 0, 0};
  const char kCandidates[3] = {',', '\t', ';'};
  bool quoted = false;
  for (char c : line) {
    if (c == '"') quoted = !quoted;
    if (quoted) continue;
    for (int k = 0; k < 3; ++k)
      if (c == kCandidates[k]) ++counts[k];
  }
  int best = 0;
  for (int k = 1; k < 3; ++k)
    if (counts[k] > counts[best]) best = k;
  return kCandidates[best];
}

class CsvWorkbook : public Workbook {
 public:
  CsvWorkbook(std::string path, int fd, CsvOptions options)
      : path_(std::move(path)), fd_(fd), options_(options) {
    sheets_.push_back(SheetInfo{});
  }
  ~CsvWorkbook() override {
    if (fd_ > STDERR_FILENO) ::close(fd_);
  }
  const std::vector<SheetInfo>& sheets() const override { return sheets_; }
  bool readSheet(size_t index, const RowSink& sink, std::string* err) override;

  // Bytes read ahead by openCsv to reject binary files; consumed first by readSheet.
  std::string head;

 private:
  struct Parse {
    Row row;
    const RowSink* sink;
    int next_col = 0;  // column of the next field of the row being read
    int last_terminator = 0;
    bool stopped = false;
    int overlong_col = -1;  // where a cell past kMaxCellChars is, which stops the read
    int overlong_row = 0;
    int wide_row = 0;            // the first row with a cell past kMaxColumns, which stops the read
    size_t searched = 0;         // bytes of the buffered partial line already searched for '\n'
    std::vector<uint32_t> cuts;  // where the delimiters of a plain line are
  };
  static void onField(void* s, size_t len, void* data);
  static void onRow(int c, void* data);
  void decodeChunk(std::string_view raw, uint64_t offset, bool final, std::string* text);
  void locateInvalid(std::string_view raw, uint64_t offset, uint64_t bad);
  bool feed(csv_parser* parser, Parse* state, std::string* buffer, bool final, std::string* err);
  void splitPlainLine(Parse* state, std::string_view line, const std::vector<uint32_t>& cuts);

  std::string path_;
  int fd_;
  CsvOptions options_;
  std::vector<SheetInfo> sheets_;
  TextEncoding encoding_ = TextEncoding::Auto;
  Gb18030Decoder gbk_;
  std::string utf8_pending_;
  size_t utf8_invalid_ = 0;
  // Where the first undecodable byte is, for the warning: its file offset and line. A file's
  // lines are counted afterwards by reading it again up to that byte, only when there is one;
  // a pipe cannot be read again, so its lines are counted chunk by chunk instead, up to that
  // byte.
  bool count_lines_ = false;   // reading a pipe
  off_t file_start_ = 0;       // where in the file reading began (standard input may be past 0)
  uint64_t decode_start_ = 0;  // file offset of the first byte decoded (after a BOM)
  size_t lines_before_ = 0;    // line breaks before the chunk being decoded
  bool found_invalid_ = false;
  uint64_t first_invalid_ = 0;
  size_t first_invalid_line_ = 0;
  bool consumed_ = false;
  std::unique_ptr<Utf16Decoder> utf16_;  // set for a file that starts with a UTF-16 BOM
  std::string utf16_text_;               // a chunk converted to UTF-8
};

void CsvWorkbook::onField(void* s, size_t len, void* data) {
  auto* p = static_cast<Parse*>(data);
  int col = p->next_col++;
  if (len == 0) return;  // sinks see non-empty cells only
  if (col >= kMaxColumns) {
    if (p->wide_row == 0) p->wide_row = p->row.number + 1;
    p->stopped = true;
    return;
  }
  if (overlongCell(std::string_view(static_cast<const char*>(s), len))) {
    if (p->overlong_col < 0) {
      p->overlong_col = col;
      p->overlong_row = p->row.number + 1;
    }
    p->stopped = true;
    return;
  }
  Cell& cell = p->row.cells.emplace_back();
  cell.col = col;
  cell.text.append(static_cast<const char*>(s), len);  // emplace_back() left it empty
}

void CsvWorkbook::onRow(int c, void* data) {
  auto* p = static_cast<Parse*>(data);
  bool no_fields = p->next_col == 0;
  p->next_col = 0;
  // With CSV_REPALL_NL the LF of a CRLF arrives as an empty row of its own.
  if (no_fields && c == '\n' && p->last_terminator == '\r') {
    p->last_terminator = c;
    return;
  }
  p->last_terminator = c;
  ++p->row.number;
  if (!p->stopped && !p->row.cells.empty() && !(*p->sink)(p->row)) p->stopped = true;
  p->row.cells.clear();
}

// `offset`: where `raw` starts in the file.
void CsvWorkbook::decodeChunk(std::string_view raw, uint64_t offset, bool final,
                              std::string* text) {
  constexpr uint64_t kNone = ~uint64_t(0);
  uint64_t bad = kNone;  // file offset of the first byte replaced, when this chunk has it
  std::string_view whole = raw;
  uint64_t whole_offset = offset;
  if (encoding_ == TextEncoding::Auto) {
    if (isAscii(raw) && !final) {
      text->append(raw);  // nothing to decide on yet
      locateInvalid(whole, whole_offset, bad);
      return;
    }
    // A few stray bytes in a UTF-8 file must not turn the whole file into mojibake.
    size_t multibyte, invalid;
    countUtf8(raw, &multibyte, &invalid);
    // GBK text forms a well-formed UTF-8 sequence for under a tenth of its characters.
    encoding_ = multibyte > invalid ? TextEncoding::Utf8 : TextEncoding::Gb18030;
  }
  if (encoding_ == TextEncoding::Gb18030) {
    bool clean = gbk_.invalidCount() == 0;
    gbk_.decode(raw, text, final);
    if (clean && gbk_.invalidCount() > 0) bad = decode_start_ + gbk_.firstInvalidOffset();
    locateInvalid(whole, whole_offset, bad);
    return;
  }
  // UTF-8: pass through, keeping a sequence cut at the chunk end for the next chunk.
  auto sanitize = [&](std::string_view part, uint64_t at) {
    size_t first = firstInvalidUtf8(part);
    if (utf8_invalid_ == 0 && first != std::string_view::npos) bad = at + first;
    std::string clean;
    utf8_invalid_ += sanitizeUtf8(part, &clean);
    text->append(clean);
  };
  if (!utf8_pending_.empty()) {
    // Finish the sequence cut at the last chunk's end with its continuation bytes only.
    size_t k = 0;
    while (k < raw.size() && k < 3 && (static_cast<unsigned char>(raw[k]) & 0xC0) == 0x80) ++k;
    std::string head = std::move(utf8_pending_);
    utf8_pending_.clear();
    uint64_t head_offset = offset - head.size();
    head.append(raw.substr(0, k));
    raw.remove_prefix(k);
    offset += k;
    if (isValidUtf8(head))
      text->append(head);
    else
      sanitize(head, head_offset);
  }
  size_t cut = raw.size();
  if (!final) {
    size_t back = 0;
    while (back < 3 && back < raw.size() &&
           (static_cast<unsigned char>(raw[raw.size() - 1 - back]) & 0xC0) == 0x80)
      ++back;
    if (back < raw.size() && static_cast<unsigned char>(raw[raw.size() - 1 - back]) >= 0xC0)
      cut = raw.size() - 1 - back;
    utf8_pending_.assign(raw.substr(cut));
  }
  std::string_view body = raw.substr(0, cut);
  if (isValidUtf8(body))
    text->append(body);
  else
    sanitize(body, offset);
  locateInvalid(whole, whole_offset, bad);
}

size_t countLines(std::string_view s) {
  size_t n = 0;
  for (const char *p = s.data(), *end = p + s.size();
       (p = static_cast<const char*>(std::memchr(p, '\n', size_t(end - p)))); ++p)
    ++n;
  return n;
}

// Notes `bad`, the file offset of the first invalid byte, when the chunk `raw` (at file offset
// `offset`) brought it; counts the chunk's line breaks before it when reading a pipe.
// Line breaks are ASCII in UTF-8 and GB18030 alike, never part of a multi-byte character.
void CsvWorkbook::locateInvalid(std::string_view raw, uint64_t offset, uint64_t bad) {
  if (found_invalid_) return;
  if (bad == ~uint64_t(0)) {
    if (count_lines_) lines_before_ += countLines(raw);
    return;
  }
  found_invalid_ = true;
  first_invalid_ = bad;
  if (!count_lines_) return;
  // A sequence cut at the last chunk's end lies before `offset`: no line break in between.
  size_t upto = bad > offset ? size_t(bad - offset) : 0;
  first_invalid_line_ = lines_before_ + 1 + countLines(raw.substr(0, std::min(upto, raw.size())));
}

// The line of file offset `at`, reading the file again from its start.
size_t lineAt(int fd, off_t start, uint64_t at) {
  std::string buf(1 << 20, '\0');
  size_t lines = 1;
  uint64_t pos = 0;
  while (pos < at) {
    size_t want = size_t(std::min<uint64_t>(buf.size(), at - pos));
    ssize_t n = ::pread(fd, buf.data(), want, start + off_t(pos));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    lines += countLines(std::string_view(buf.data(), size_t(n)));
    pos += uint64_t(n);
  }
  return lines;
}

// libcsv's state between rows (ROW_NOT_BEGUN in its source; pstate is in its public struct).
constexpr int kRowNotBegun = 0;

// libcsv looks at every byte through a state machine and a callback; most lines of a county's
// sheet hold no quote at all. Such a line, met between rows, is split here with memchr, and
// everything else — quoted fields, fields spanning lines, stray carriage returns — goes to
// libcsv, so the two paths never disagree on anything but speed.
// Finds the delimiters of `line` in one pass, sixteen bytes at a time where SSE2 is there (it
// is on every x86-64): their offsets go to `cuts`. False as soon as a quote or a carriage
// return shows that the line is libcsv's to read.
bool findPlainCuts(std::string_view line, char delim, std::vector<uint32_t>* cuts) {
  cuts->clear();
  const char* p = line.data();
  size_t i = 0, n = line.size();
#ifdef __SSE2__
  const __m128i d = _mm_set1_epi8(delim), q = _mm_set1_epi8('"'), r = _mm_set1_epi8('\r');
  for (; i + 16 <= n; i += 16) {
    __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + i));
    if (_mm_movemask_epi8(_mm_or_si128(_mm_cmpeq_epi8(v, q), _mm_cmpeq_epi8(v, r)))) return false;
    for (unsigned m = unsigned(_mm_movemask_epi8(_mm_cmpeq_epi8(v, d))); m; m &= m - 1)
      cuts->push_back(uint32_t(i + unsigned(__builtin_ctz(m))));
  }
#endif
  for (; i < n; ++i) {
    if (p[i] == '"' || p[i] == '\r') return false;
    if (p[i] == delim) cuts->push_back(uint32_t(i));
  }
  return true;
}

void CsvWorkbook::splitPlainLine(Parse* state, std::string_view line,
                                 const std::vector<uint32_t>& cuts) {
  size_t start = 0;
  for (size_t k = 0; k <= cuts.size(); ++k) {
    size_t end = k < cuts.size() ? cuts[k] : line.size();
    std::string_view field = line.substr(start, end - start);
    while (!field.empty() && field.front() == ' ') field.remove_prefix(1);
    while (!field.empty() && field.back() == ' ') field.remove_suffix(1);
    onField(const_cast<char*>(field.data()), field.size(), state);
    start = end + 1;
  }
  onRow('\n', state);
}

bool CsvWorkbook::feed(csv_parser* parser, Parse* state, std::string* buffer, bool final,
                       std::string* err) {
  std::string_view text = *buffer;
  size_t start = 0;
  bool ok = true;
  while (start < text.size() && !state->stopped) {
    // A long line arrives in many chunks; searching it again from its start each time would
    // make reading it quadratic.
    size_t nl = text.find('\n', std::max(start, state->searched));
    state->searched = 0;
    if (nl == std::string_view::npos && !final) {
      if (text.size() - start > kMaxLineBytes) {
        *err = tr("row {row}: line longer than {mib} MiB",
                  {{"row", std::to_string(state->row.number + 1)},
                   {"mib", std::to_string(kMaxLineBytes >> 20)}});
        return false;
      }
      state->searched = text.size() - start;
      break;  // the rest waits for the next chunk
    }
    size_t end = nl == std::string_view::npos ? text.size() : nl + 1;
    std::string_view line = text.substr(start, end - start);
    start = end;
    std::string_view body = line;
    if (!body.empty() && body.back() == '\n') body.remove_suffix(1);
    if (!body.empty() && body.back() == '\r') body.remove_suffix(1);
    bool plain = options_.fast_path && parser->pstate == kRowNotBegun &&
                 findPlainCuts(body, char(parser->delim_char), &state->cuts);
    if (plain) {
      if (body.empty()) {
        ++state->row.number;  // a blank line is a row a person sees
        state->last_terminator = '\n';
      } else {
        splitPlainLine(state, body, state->cuts);
      }
      continue;
    }
    if (csv_parse(parser, line.data(), line.size(), onField, onRow, state) != line.size()) {
      *err = tr("malformed CSV: {reason}", {{"reason", csv_strerror(csv_error(parser))}});
      ok = false;
      break;
    }
    // A quoted field may run over many lines, all of it in libcsv's buffer.
    if (parser->entry_pos > 4 * kMaxCellChars && state->overlong_col < 0) {
      state->overlong_col = state->next_col;
      state->overlong_row = state->row.number + 1;
      state->stopped = true;
    }
  }
  buffer->erase(0, start);
  return ok;
}

bool CsvWorkbook::readSheet(size_t index, const RowSink& sink, std::string* err) {
  if (index != 0) {
    *err = tr("no such sheet");
    return false;
  }
  if (consumed_) {
    *err = tr("input can be read only once");
    return false;
  }
  consumed_ = true;
  encoding_ = options_.encoding;

  csv_parser parser;
  if (csv_init(&parser, CSV_REPALL_NL) != 0) {
    *err = tr("out of memory");
    return false;
  }
  csv_set_space_func(&parser, isSpaceOnly);
  Parse state;
  state.sink = &sink;
  state.row.cells.reserve(64);

  std::string text;
  std::unique_ptr<char[]> block(new char[kChunk]);  // not a string: no zero-filling per read
  std::string_view raw = head;
  uint64_t offset = 0;  // of `raw` in the file
  struct stat st {};
  off_t position = ::lseek(fd_, 0, SEEK_CUR);
  count_lines_ = ::fstat(fd_, &st) != 0 || !S_ISREG(st.st_mode) || position < off_t(head.size());
  file_start_ = count_lines_ ? 0 : position - off_t(head.size());
  // A progress display, when one listens, hears of each chunk and of the rows it gave.
  ReadProgress* progress = ReadProgress::active();
  int rows_told = 0;
  if (progress) {
    progress->beginInput(path_, fd_);
    progress->addBytes(head.size());
  }
  bool first = true, eof = false, ok = true;
  while (ok && !state.stopped) {
    if (raw.empty() && !eof) {
      ssize_t n;
      do n = ::read(fd_, block.get(), kChunk);
      while (n < 0 && errno == EINTR);
      if (n < 0) {
        *err = tr("read error: {reason}", {{"reason", errnoText(errno)}});
        ok = false;
        break;
      }
      raw = std::string_view(block.get(), size_t(n));
      eof = n == 0;
      if (progress) progress->addBytes(uint64_t(n));
    }
    std::string_view chunk = raw;
    if (first && (chunk.starts_with(kBomLe) || chunk.starts_with(kBomBe))) {
      utf16_ = std::make_unique<Utf16Decoder>(chunk.starts_with(kBomBe));
      chunk.remove_prefix(2);
    }
    if (utf16_) {
      // Decoded to UTF-8 first, then read as UTF-8 text; offsets in warnings are of the UTF-8.
      utf16_text_.clear();
      utf16_->decode(chunk, &utf16_text_, eof);
      chunk = utf16_text_;
      encoding_ = TextEncoding::Utf8;
    }
    if (first && chunk.starts_with(kBom)) {
      chunk.remove_prefix(kBom.size());
      decode_start_ = kBom.size();
      if (encoding_ == TextEncoding::Auto) encoding_ = TextEncoding::Utf8;
    }
    decodeChunk(chunk, offset + (raw.size() - chunk.size()), eof, &text);
    offset += raw.size();
    if (first) {
      char delim = options_.delimiter ? options_.delimiter : guessDelimiter(text);
      csv_set_delim(&parser, static_cast<unsigned char>(delim));
      first = false;
    }
    if (!feed(&parser, &state, &text, eof, err)) ok = false;
    if (progress) {
      progress->addRows(uint64_t(state.row.number - rows_told));
      rows_told = state.row.number;
    }
    raw = {};
    if (eof) break;
  }
  if (ok && !state.stopped && parser.pstate != kRowNotBegun)
    csv_fini(&parser, onField, onRow, &state);
  csv_free(&parser);
  if (ok && state.overlong_col >= 0) {
    *err = overlongCellError(state.overlong_row, state.overlong_col);
    ok = false;
  } else if (ok && state.wide_row > 0) {
    *err = tooManyColumnsError(state.wide_row);
    ok = false;
  }
  if (utf16_ && utf16_->invalidCount() > 0)
    warnings.push_back({"encoding",
                        {{"count", std::to_string(utf16_->invalidCount())},
                         {"encoding", "UTF-16"},
                         {"offset", std::to_string(utf16_->firstInvalidByte() + 2)},
                         {"line", std::to_string(utf16_->firstInvalidLine())}}});
  size_t invalid = gbk_.invalidCount() + utf8_invalid_;
  if (invalid > 0 && !count_lines_) first_invalid_line_ = lineAt(fd_, file_start_, first_invalid_);
  if (invalid > 0)
    warnings.push_back({"encoding",
                        {{"count", std::to_string(invalid)},
                         {"encoding", encoding_ == TextEncoding::Gb18030 ? "GB18030" : "UTF-8"},
                         {"offset", std::to_string(first_invalid_ + 1)},
                         {"line", std::to_string(first_invalid_line_)}}});
  return ok;
}

}  // namespace

std::unique_ptr<Workbook> openCsv(const std::string& path, const CsvOptions& options,
                                  std::string* err) {
  int fd = path == "-" ? STDIN_FILENO : ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    *err = errnoText(errno);
    return nullptr;
  }
  auto wb = std::make_unique<CsvWorkbook>(path, fd, options);
  // Read the first chunk now to refuse binary data before anything is written.
  wb->head.resize(kChunk);
  ssize_t n;
  do n = ::read(fd, wb->head.data(), kChunk);
  while (n < 0 && errno == EINTR);
  if (n < 0) {
    *err = tr("read error: {reason}", {{"reason", errnoText(errno)}});
    return nullptr;
  }
  wb->head.resize(size_t(n));
  std::string_view head = wb->head;
  bool utf16 = head.starts_with(kBomLe) || head.starts_with(kBomBe);
  if (!utf16 && wb->head.find('\0') != std::string::npos) {
    *err = tr("binary data, not a spreadsheet or CSV text");
    return nullptr;
  }
  return wb;
}

}  // namespace vetkit
