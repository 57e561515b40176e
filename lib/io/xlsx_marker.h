// The marked copy of an .xlsx: the operator's own package with only what marking needs
// changed, so merged cells, fonts, widths, number formats, date cells, hidden sheets, pictures
// and everything else vetkit does not understand survive byte for byte.
//
// What changes:
// - xl/styles.xml gains one fill per severity and, for each style a marked cell had, a clone of
//   that cellXfs entry with the fill replaced — number format, font, border and alignment are
//   the cell's own;
// - a marked sheet's XML is streamed (a sheet can hold 10^6 rows) and only the `s` attribute of
//   a marked cell is rewritten; a cell is inserted only where a finding sits on a cell that
//   does not exist (an empty required cell); a <legacyDrawing> element is added;
// - each marked sheet gets a comments part and the VML drawing legacy Excel needs to show it,
//   with their relationships and content types;
// - one summary sheet is appended (workbook.xml, its rels, [Content_Types].xml,
//   docProps/app.xml), carrying the sheet-scoped defined name kSummaryDefinedName: the xlsx
//   reader skips that sheet, so re-checking the copy gives exactly the original findings.
// Every other part is copied as stored (not even re-deflated).
#pragma once

#include <map>
#include <string>
#include <vector>

namespace vetkit {

/// The sheet-scoped, hidden defined name that marks vetkit's summary sheet in a marked copy.
inline constexpr const char* kSummaryDefinedName = "_vetkit_summary";

/// How a cell is marked: a fill and a comment, or (a note) a comment only.
enum class MarkLevel { Error, Warning, Note };

struct CellMark {
  int row = 0;  // 1-based
  int col = 0;  // 0-based; -1: the first non-empty cell of the row (a finding about the row),
                // which is never an inserted cell — a row with no such cell is left unmarked
  MarkLevel level = MarkLevel::Note;
  std::string comment;  // plain text, lines separated by '\n'
};

struct SummaryCell {
  std::string text;
  bool number = false;  // `text` is a count, written as a number
  enum class Style { Plain, Bold, Error, Warning } style = Style::Plain;
  std::string link;  // a location in the workbook ('Sheet 1'!B3), or empty
};

struct XlsxMarking {
  /// Marks by the sheet's name (as the reader gives it), each list sorted by row then column,
  /// one mark per cell.
  std::map<std::string, std::vector<CellMark>> marks;
  std::string summary_name;  // free of clashes with the input's sheets (the caller sees to it)
  std::vector<std::vector<SummaryCell>> summary;  // rows from A1 down, cells from column A
  std::vector<double> summary_widths;             // of columns A, B, ...
  std::string author = "vetkit";                  // of the comments
};

/// Writes `out` (a path the caller owns, usually a temporary) as `in` with `marking` applied.
/// False with `err` when `in` cannot be read or is not a package this can mark (no
/// workbook.xml, no styles part, rows out of order...).
bool markXlsx(const std::string& in, const std::string& out, const XlsxMarking& marking,
              std::string* err);

/// The names of the sheets of `in` as workbook.xml lists them, hidden or not, and without
/// vetkit's summary of an earlier marking.
bool xlsxSheetNames(const std::string& in, std::vector<std::string>* names, std::string* err);

}  // namespace vetkit
