// vetimport's engine: any table in, record stream out. Each sheet's header is found and
// mapped to schema fields, each data row becomes one JSON line of canonical values with its
// provenance (_src, _sheet, _row), and nothing the sheet held is dropped: unknown columns go
// to _extra, values that cannot be normalised are kept as typed.
#pragma once

#include <set>
#include <string>
#include <vector>

#include "core/diag.h"
#include "core/line_output.h"
#include "io/input.h"
#include "schema/messages.h"
#include "schema/profile.h"
#include "schema/schema.h"

namespace vetkit {

struct HeaderColumn;

struct ImportOptions {
  std::string sheet;   // read only the sheet of this name; empty: every visible sheet
  int header_row = 0;  // 0: detect
  CsvOptions csv;
  Lang lang = Lang::Zh;              // language of diagnostics
  const Profile* profile = nullptr;  // extra header mappings (--profile, --map)
  bool skip_hidden = false;          // hidden sheets skipped (with a warning), not read
};

struct FileSummary {
  std::string path;
  int status = 0;  // ExitStatus of this input
  size_t sheets = 0;
  size_t records = 0;
};

class Importer {
 public:
  Importer(const Schema& schema, ImportOptions options, LineOutput* out, DiagnosticSink diag);

  /// Imports one input. Returns kExitOk, kExitFindings when something was reported (unknown
  /// or missing columns, skipped sheets), or kExitTrouble when the input could not be read —
  /// then none of its records stay in the output.
  int importFile(const std::string& path);

  const std::vector<FileSummary>& summaries() const { return summaries_; }

 private:
  class SheetImport;
  void report(Severity severity, const std::string& path, const std::string& sheet, int row,
              const std::string& column, const std::string& code, const MessageArgs& args,
              const std::string& value = {});

  void report(const Diagnostic& d);
  // A hidden sheet: read (or only counted, with skip_hidden) and named in a warning when it
  // holds records; silent when it holds none. `err` is set when it cannot be read.
  void importHidden(Workbook& wb, size_t index, const std::string& path, const std::string& src,
                    FileSummary* summary, std::string* err);

  // {label} (the field's first label) and {field} (its id), for messages naming a field.
  MessageArgs fieldArgs(const Field& f, const std::string& header = {}) const;
  void reportUnknownColumn(const std::string& path, const std::string& sheet, int row,
                           const HeaderColumn& h, const std::vector<HeaderColumn>& columns);

  const Schema& schema_;
  ImportOptions options_;
  LineOutput* out_;
  DiagnosticSink diag_;
  std::vector<FileSummary> summaries_;
  bool reported_ = false;
  std::set<std::string> unknown_seen_;  // unknown headers already reported for this file
  std::set<std::string> guessed_seen_;  // headers read by resemblance, reported for this file
  size_t unknown_hidden_ = 0;           // beyond kUnknownColumnsShown, only counted
  static constexpr size_t kUnknownColumnsShown = 20;
};

}  // namespace vetkit
