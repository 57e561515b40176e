// A finding about the input, located as precisely as the input allows. The library produces
// these; tools decide where they go and how they look.
#pragma once

#include <functional>
#include <string>

namespace vetkit {

enum class Severity { Error, Warning, Note };

struct Diagnostic {
  Severity severity = Severity::Error;
  std::string file;    // as given on the command line
  std::string sheet;   // empty for CSV
  int row = 0;         // spreadsheet row, 0 when the finding is about the whole file or sheet
  std::string column;  // column letter, empty when not about one column
  std::string field;   // schema field id, when known
  std::string code;    // stable rule code such as "unknown-column"
  std::string message;
  std::string value;  // the offending value (already masked where it must be)
};

using DiagnosticSink = std::function<void(const Diagnostic&)>;

/// "error", "warning" or "note".
const char* severityName(Severity s);

/// `FILE:SHEET:ROW:COL` with the empty parts left out.
std::string formatLocation(const Diagnostic& d);

/// `message (value) [code]`.
std::string formatMessage(const Diagnostic& d);

/// Compiler-style one-line form: `FILE:SHEET:ROW:COL: severity: message (value) [code]`, with
/// the location parts that are empty left out.
std::string formatDiagnostic(const Diagnostic& d);

}  // namespace vetkit
