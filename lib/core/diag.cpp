#include "core/diag.h"

namespace vetkit {

const char* severityName(Severity s) {
  switch (s) {
    case Severity::Error:
      return "error";
    case Severity::Warning:
      return "warning";
    case Severity::Note:
      return "note";
  }
  return "error";
}

std::string formatLocation(const Diagnostic& d) {
  std::string out = d.file;
  if (!d.sheet.empty()) out += ":" + d.sheet;
  if (d.row > 0) out += ":" + std::to_string(d.row);
  if (!d.column.empty()) out += ":" + d.column;
  return out;
}

std::string formatMessage(const Diagnostic& d) {
  std::string out = d.message;
  if (!d.value.empty()) out += " (" + d.value + ")";
  if (!d.code.empty()) out += " [" + d.code + "]";
  return out;
}

std::string formatDiagnostic(const Diagnostic& d) {
  return formatLocation(d) + ": " + severityName(d.severity) + ": " + formatMessage(d);
}

}  // namespace vetkit
