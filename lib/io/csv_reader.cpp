#include "io/csv_reader.h"

#include <csv.h>
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "text/utf8.h"

namespace vetkit {

namespace {

constexpr size_t kChunk = 1 << 20;
const std::string_view kBom = "\xEF\xBB\xBF";

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
    int last_terminator = 0;
    bool stopped = false;
  };
  static void onField(void* s, size_t len, void* data);
  static void onRow(int c, void* data);
  bool decodeChunk(std::string_view raw, bool final, std::string* text, std::string* err);

  std::string path_;
  int fd_;
  CsvOptions options_;
  std::vector<SheetInfo> sheets_;
  TextEncoding encoding_ = TextEncoding::Auto;
  Gb18030Decoder gbk_;
  std::string utf8_pending_;
  size_t utf8_invalid_ = 0;
  bool consumed_ = false;
};

void CsvWorkbook::onField(void* s, size_t len, void* data) {
  auto* p = static_cast<Parse*>(data);
  Cell& cell = p->row.cells.emplace_back();
  cell.kind = Cell::Kind::Text;
  cell.text.assign(static_cast<const char*>(s), len);
}

void CsvWorkbook::onRow(int c, void* data) {
  auto* p = static_cast<Parse*>(data);
  bool empty = p->row.cells.empty();
  // With CSV_REPALL_NL the LF of a CRLF arrives as an empty row of its own.
  if (empty && c == '\n' && p->last_terminator == '\r') {
    p->last_terminator = c;
    return;
  }
  p->last_terminator = c;
  ++p->row.number;
  if (!p->stopped) {
    // Number the columns, then drop the empty cells: sinks see non-empty cells only.
    auto& cells = p->row.cells;
    size_t keep = 0;
    for (size_t i = 0; i < cells.size(); ++i) {
      if (cells[i].text.empty()) continue;
      cells[i].col = int(i);
      if (keep != i) std::swap(cells[keep], cells[i]);
      ++keep;
    }
    cells.resize(keep);
    if (!cells.empty() && !(*p->sink)(p->row)) p->stopped = true;
  }
  p->row.cells.clear();
}

bool CsvWorkbook::decodeChunk(std::string_view raw, bool final, std::string* text,
                              std::string* err) {
  text->clear();
  if (encoding_ == TextEncoding::Auto) {
    if (isAscii(raw) && !final) {
      text->assign(raw);  // nothing to decide on yet
      return true;
    }
    // A few stray bytes in a UTF-8 file must not turn the whole file into mojibake.
    size_t multibyte, invalid;
    countUtf8(raw, &multibyte, &invalid);
    // GBK text forms a well-formed UTF-8 sequence for under a tenth of its characters.
    encoding_ = multibyte > invalid ? TextEncoding::Utf8 : TextEncoding::Gb18030;
  }
  if (encoding_ == TextEncoding::Gb18030) {
    gbk_.decode(raw, text, final);
    return true;
  }
  // UTF-8: pass through, keeping a sequence cut at the chunk end for the next chunk.
  std::string joined = utf8_pending_ + std::string(raw);
  utf8_pending_.clear();
  size_t cut = joined.size();
  if (!final) {
    size_t back = 0;
    while (back < 3 && back < joined.size() &&
           (static_cast<unsigned char>(joined[joined.size() - 1 - back]) & 0xC0) == 0x80)
      ++back;
    if (back < joined.size() &&
        static_cast<unsigned char>(joined[joined.size() - 1 - back]) >= 0xC0)
      cut = joined.size() - 1 - back;
    utf8_pending_ = joined.substr(cut);
  }
  std::string_view body(joined.data(), cut);
  if (isValidUtf8(body)) {
    text->assign(body);
  } else {
    utf8_invalid_ += sanitizeUtf8(body, text);
  }
  (void)err;
  return true;
}

bool CsvWorkbook::readSheet(size_t index, const RowSink& sink, std::string* err) {
  if (index != 0) {
    *err = "no such sheet";
    return false;
  }
  if (consumed_) {
    *err = "input can be read only once";
    return false;
  }
  consumed_ = true;
  encoding_ = options_.encoding;

  csv_parser parser;
  if (csv_init(&parser, CSV_REPALL_NL) != 0) {
    *err = "out of memory";
    return false;
  }
  csv_set_space_func(&parser, isSpaceOnly);
  Parse state;
  state.sink = &sink;
  state.row.cells.reserve(64);

  std::string raw = std::move(head), text;
  bool first = true, eof = false, ok = true;
  while (ok && !state.stopped) {
    if (raw.empty() && !eof) {
      raw.resize(kChunk);
      ssize_t n;
      do n = ::read(fd_, raw.data(), kChunk);
      while (n < 0 && errno == EINTR);
      if (n < 0) {
        *err = std::string("read error: ") + std::strerror(errno);
        ok = false;
        break;
      }
      raw.resize(size_t(n));
      eof = n == 0;
    }
    std::string_view chunk = raw;
    if (first && chunk.starts_with(kBom)) {
      chunk.remove_prefix(kBom.size());
      if (encoding_ == TextEncoding::Auto) encoding_ = TextEncoding::Utf8;
    }
    decodeChunk(chunk, eof, &text, err);
    if (first) {
      char delim = options_.delimiter ? options_.delimiter : guessDelimiter(text);
      csv_set_delim(&parser, static_cast<unsigned char>(delim));
      first = false;
    }
    if (!text.empty() &&
        csv_parse(&parser, text.data(), text.size(), onField, onRow, &state) != text.size()) {
      *err = std::string("malformed CSV: ") + csv_strerror(csv_error(&parser));
      ok = false;
    }
    raw.clear();
    if (eof) break;
  }
  if (ok && !state.stopped) csv_fini(&parser, onField, onRow, &state);
  csv_free(&parser);
  size_t invalid = gbk_.invalidCount() + utf8_invalid_;
  if (invalid > 0)
    warnings.push_back({"encoding",
                        {{"count", std::to_string(invalid)},
                         {"encoding", encoding_ == TextEncoding::Gb18030 ? "GB18030" : "UTF-8"}}});
  return ok;
}

}  // namespace

std::unique_ptr<Workbook> openCsv(const std::string& path, const CsvOptions& options,
                                  std::string* err) {
  int fd = path == "-" ? STDIN_FILENO : ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    *err = std::strerror(errno);
    return nullptr;
  }
  auto wb = std::make_unique<CsvWorkbook>(path, fd, options);
  // Read the first chunk now to refuse binary data before anything is written.
  wb->head.resize(kChunk);
  ssize_t n;
  do n = ::read(fd, wb->head.data(), kChunk);
  while (n < 0 && errno == EINTR);
  if (n < 0) {
    *err = std::string("read error: ") + std::strerror(errno);
    return nullptr;
  }
  wb->head.resize(size_t(n));
  if (wb->head.find('\0') != std::string::npos) {
    *err = "binary data, not a spreadsheet or CSV text";
    return nullptr;
  }
  return wb;
}

}  // namespace vetkit
