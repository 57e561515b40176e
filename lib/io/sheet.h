// The tabular view every input format is read through: a workbook of sheets, each a stream of
// rows of cells. CSV is a workbook with one unnamed sheet. Readers push rows to a callback so
// that expat and libcsv, both push parsers, need no buffering of their own.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace vetkit {

struct Cell {
  enum class Kind : uint8_t { Text, Number, Date, Bool, Error };
  /// 0-based column index (A = 0).
  int col = 0;
  Kind kind = Kind::Text;
  /// What the cell holds, as UTF-8 text. Numbers keep the file's own digits (never reformatted
  /// through a double); dates are ISO 8601 (1978-03-05, with THH:MM:SS when the serial has a
  /// time part); booleans are "TRUE"/"FALSE"; errors their code such as "#N/A".
  std::string text;
};

/// The cells of a row, a vector whose clear() keeps the cells themselves: the next row a
/// reader fills reuses their text buffers, so reading costs no allocation per cell once
/// warmed up.
class CellList {
 public:
  CellList() = default;
  CellList(const CellList& other) : cells_(other.begin(), other.end()), size_(other.size_) {}
  CellList& operator=(const CellList& other) {
    if (this != &other) {
      clear();
      for (const Cell& c : other) push_back(c);
    }
    return *this;
  }
  CellList(CellList&&) noexcept = default;
  CellList& operator=(CellList&&) noexcept = default;

  Cell* begin() { return cells_.data(); }
  Cell* end() { return cells_.data() + size_; }
  const Cell* begin() const { return cells_.data(); }
  const Cell* end() const { return cells_.data() + size_; }
  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  Cell& operator[](size_t i) { return cells_[i]; }
  const Cell& operator[](size_t i) const { return cells_[i]; }
  Cell& back() { return cells_[size_ - 1]; }
  const Cell& back() const { return cells_[size_ - 1]; }

  /// A cell at the end: column 0, text, empty, with the buffer of a cell cleared before.
  Cell& emplace_back() {
    if (size_ == cells_.size()) cells_.emplace_back();
    Cell& c = cells_[size_++];
    c.col = 0;
    c.kind = Cell::Kind::Text;
    c.text.clear();
    return c;
  }
  void push_back(const Cell& cell) {
    Cell& c = emplace_back();
    c.col = cell.col;
    c.kind = cell.kind;
    c.text.assign(cell.text);
  }
  void clear() { size_ = 0; }
  void reserve(size_t n) { cells_.reserve(n); }

 private:
  std::vector<Cell> cells_;  // [0, size_) are the row's; the rest wait to be reused
  size_t size_ = 0;
};

struct Row {
  /// 1-based row number as a person sees it in the spreadsheet (CSV: record number).
  int number = 0;
  /// Non-empty cells only, in column order.
  CellList cells;
};

/// Return false to stop reading the sheet early.
using RowSink = std::function<bool(const Row&)>;

struct SheetInfo {
  std::string name;  // empty for CSV
  bool hidden = false;
};

/// A message code (see schemas/messages.yaml) and its arguments.
struct ReadWarning {
  std::string code;
  std::vector<std::pair<std::string, std::string>> args;
};

class Workbook {
 public:
  virtual ~Workbook() = default;
  virtual const std::vector<SheetInfo>& sheets() const = 0;
  /// Streams the rows of sheet `index` to `sink`. Returns false and sets `err` when the sheet
  /// cannot be read (corrupt data); rows already delivered stay delivered.
  virtual bool readSheet(size_t index, const RowSink& sink, std::string* err) = 0;

  /// Problems that did not stop reading (e.g. undecodable bytes replaced by U+FFFD), for the
  /// caller to report.
  std::vector<ReadWarning> warnings;
};

/// "A" for 0, "Z" for 25, "AA" for 26.
std::string columnLetter(int col);

/// Excel's limit on the text of one cell. Readers refuse a longer cell (a hostile file's way to
/// make them hold gigabytes) with an error naming it.
inline constexpr size_t kMaxCellChars = 32767;

/// Excel's limit on the columns of a sheet (A to XFD). Readers refuse a row with a cell past
/// it — a 16 MiB CSV line of commas would otherwise be millions of cells held at once, and
/// every cell past the header a value of `_extra`.
inline constexpr int kMaxColumns = 16384;

/// The error for a row too wide: "row 3: cells past column XFD (Excel's limit of 16384)".
std::string tooManyColumnsError(int row);

/// True when the UTF-8 text `s` holds more than kMaxCellChars characters. Inline: it is asked
/// of every cell, and almost always answered by the length alone.
bool overlongCellSlow(std::string_view s);
inline bool overlongCell(std::string_view s) {
  return s.size() > kMaxCellChars && overlongCellSlow(s);
}

/// The error for an overlong cell: "row 3, column B: cell longer than 32767 characters ...".
std::string overlongCellError(int row, int col);

}  // namespace vetkit
