// The record stream as CSV (--format csv): the same records, one row each, under a header of
// the schema's field ids — UTF-8 without BOM, LF line ends, RFC 4180 quoting. A GBK or xlsx
// submission comes out as clean CSV, and vetimport reads it back (field ids are header labels).
// It stands between a producer of the stream and the file: the producer writes JSON lines as
// always, and each is rewritten as a row on the way out, so the JSON path pays nothing.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/line_output.h"
#include "schema/schema.h"

namespace vetkit {

class CsvRecordOutput : public LineOutput {
 public:
  /// Rows go to `out`. After the fields come the bookkeeping keys `tail` (such as "_src",
  /// "_row", "_extra"), a value that is not text written as its JSON; other `_` keys (and
  /// `_columns`) are not written. The header is written with the first row, or by finish().
  CsvRecordOutput(const Schema& schema, std::vector<std::string> tail, LineOutput* out);
  ~CsvRecordOutput() override;

  void wrote() override;
  size_t mark() const override;
  bool rollback(size_t mark) override;
  bool brokenPipe() const override { return out_->brokenPipe(); }

  /// Writes the header if no row was written, so that an empty input still gives a CSV file.
  void finish();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  LineOutput* out_;
};

/// True when a spreadsheet program (Excel, WPS, LibreOffice) opening a CSV would take `value`
/// as a formula or a command: it starts with = + - @, a tab or a carriage return, or their
/// full-width forms (＝ ＋ － ＠), and is not simply a number such as -3 or +1.5e3 (nor a
/// sign alone, vetreport's "-" for no value).
bool isCsvFormulaLike(std::string_view value);

/// The one CSV cell writer of every CSV vetkit writes: appends `value` to `out` as one field,
/// with a leading ' when isCsvFormulaLike() (the spreadsheet convention for "this is text",
/// so `=HYPERLINK(…)` is shown, never run), quoted when it holds a comma, a quote, a line
/// break or blanks at its ends.
void appendCsvField(std::string* out, std::string_view value);

}  // namespace vetkit
