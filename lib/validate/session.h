// One run of vetvalidate: inputs (record streams, or spreadsheets through the importer) in,
// diagnostics out as text or JSON, and — with --pass — the records passed on.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "core/line_output.h"
#include "import/importer.h"
#include "import/record_source.h"
#include "schema/rules.h"
#include "validate/validator.h"

namespace vetkit {

enum class DiagFormat { Text, Json };
enum class PassMode { None, All, Valid, Invalid };

struct SessionOptions {
  ValidateOptions validate;
  ImportOptions import;
  DiagFormat format = DiagFormat::Text;
  PassMode pass = PassMode::None;
  long max_errors = 0;  // stop after this many errors; 0: never
  bool keep = false;    // keep every diagnostic in memory (for the annotated workbook)
};

struct ValidationSummary {
  size_t records = 0, with_errors = 0, with_warnings = 0;
  size_t errors = 0, warnings = 0;
  std::map<std::string, size_t> by_code;
  bool stopped = false;  // --max-errors reached
  bool trouble = false;  // an input could not be read
};

class ValidationSession {
 public:
  /// Diagnostics go to `diagnostics`; records (with --pass) to `records`, which may be null.
  ValidationSession(const Schema& schema, const RuleSet& rules, SessionOptions options,
                    LineOutput* diagnostics, LineOutput* records);

  /// Validates one input; "-" is standard input read as a record stream.
  void run(const std::string& path);

  const ValidationSummary& summary() const { return summary_; }
  /// Every diagnostic, when SessionOptions::keep.
  const std::vector<Diagnostic>& kept() const { return kept_; }
  /// 0 no errors, 1 errors found, 2 an input could not be read.
  int exitStatus() const;
  /// The closing summary line in the chosen language.
  std::string summaryLine() const;

 private:
  bool onRecord(const Record& r);
  void emit(const Diagnostic& d);
  void passOn(const Record& r, const std::vector<Diagnostic>& diags);

  const Schema& schema_;
  const RuleSet& rules_;
  SessionOptions options_;
  LineOutput* diag_out_;
  LineOutput* record_out_;
  Validator validator_;
  ValidationSummary summary_;
  std::vector<Diagnostic> diags_, kept_;
  std::map<std::string, bool> layout_written_;  // "src\tsheet" whose _columns went out
};

}  // namespace vetkit
