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

struct Row {
  /// 1-based row number as a person sees it in the spreadsheet (CSV: record number).
  int number = 0;
  /// Non-empty cells only, in column order.
  std::vector<Cell> cells;
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

/// True when the UTF-8 text `s` holds more than kMaxCellChars characters. Inline: it is asked
/// of every cell, and almost always answered by the length alone.
bool overlongCellSlow(std::string_view s);
inline bool overlongCell(std::string_view s) {
  return s.size() > kMaxCellChars && overlongCellSlow(s);
}

/// The error for an overlong cell: "row 3, column B: cell longer than 32767 characters ...".
std::string overlongCellError(int row, int col);

}  // namespace vetkit
