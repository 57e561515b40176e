#include "validate/session.h"

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "import/record_source.h"
#include "record/json_writer.h"
#include "text/utf8.h"

namespace vetkit {

ValidationSession::ValidationSession(const Schema& schema, const RuleSet& rules,
                                     SessionOptions options, LineOutput* diagnostics,
                                     LineOutput* records)
    : schema_(schema),
      rules_(rules),
      options_(std::move(options)),
      diag_out_(diagnostics),
      record_out_(records),
      validator_(schema, rules, options_.validate) {}

int ValidationSession::exitStatus() const {
  if (summary_.trouble) return 2;
  return summary_.errors > 0 ? 1 : 0;
}

void ValidationSession::emit(const Diagnostic& d) {
  if (d.severity == Severity::Error) ++summary_.errors;
  if (d.severity == Severity::Warning) ++summary_.warnings;
  ++summary_.by_code[d.code];
  if (options_.keep) kept_.push_back(d);
  std::string* out = diag_out_->buffer();
  if (options_.format == DiagFormat::Text) {
    appendTerminalSafe(out, formatDiagnostic(d));
  } else {
    JsonWriter w(out);
    w.beginObject();
    w.key("file");
    w.string(d.file);
    w.key("sheet");
    w.string(d.sheet);
    w.key("row");
    w.integer(d.row);
    w.key("column");
    w.string(d.column);
    w.key("field");
    w.string(d.field);
    w.key("code");
    w.string(d.code);
    w.key("severity");
    w.string(severityName(d.severity));
    w.key("message");
    w.string(d.message);
    w.key("value");
    w.string(d.value);
    w.endObject();
  }
  out->push_back('\n');
  diag_out_->wrote();
}

// Writes the record on, with its issue codes (--pass all) and, when the sheet's first record
// was held back, the sheet's `_columns` (and `_headers`) so that later tools can still name cells.
void ValidationSession::passOn(const Record& r, const std::vector<Diagnostic>& diags) {
  std::string key = r.src + '\t' + r.sheet;
  bool need_layout = !r.has_columns_key && r.columns && !layout_written_[key];
  layout_written_[key] = true;
  bool with_issues = options_.pass == PassMode::All && !diags.empty();
  std::string* out = record_out_->buffer();
  size_t close = r.line.rfind('}');
  if (close == std::string::npos || (!with_issues && !need_layout)) {
    out->append(r.line);
  } else {
    out->append(r.line, 0, close);
    bool empty_object = r.line.find_first_not_of(" \t{", 0) == close;
    JsonWriter w(out);
    if (with_issues) {
      out->append(empty_object ? "" : ",");
      w.key("_issues");
      w.beginArray();
      std::vector<std::string> codes;
      for (const Diagnostic& d : diags)
        if (std::find(codes.begin(), codes.end(), d.code) == codes.end()) codes.push_back(d.code);
      for (const std::string& c : codes) w.string(c);
      w.endArray();
      empty_object = false;
    }
    if (need_layout) {
      out->append(empty_object ? "" : ",");
      JsonWriter lw(out);
      lw.key("_columns");
      lw.beginObject();
      for (const Field& f : schema_.fields())
        if (!r.column(f.index).empty()) {
          lw.key(f.id);
          lw.string(r.column(f.index));
        }
      lw.endObject();
      if (r.headers) {
        lw.key("_headers");
        lw.beginObject();
        for (const Field& f : schema_.fields())
          if (!r.header(f.index).empty()) {
            lw.key(f.id);
            lw.string(r.header(f.index));
          }
        lw.endObject();
      }
    }
    out->append(r.line, close);
  }
  out->push_back('\n');
  record_out_->wrote();
}

bool ValidationSession::onRecord(const Record& r) {
  diags_.clear();
  validator_.check(r, &diags_);
  ++summary_.records;
  bool errors = false, warnings = false;
  for (const Diagnostic& d : diags_) {
    errors = errors || d.severity == Severity::Error;
    warnings = warnings || d.severity == Severity::Warning;
    emit(d);
  }
  summary_.with_errors += errors;
  summary_.with_warnings += warnings;
  if (record_out_ && options_.pass != PassMode::None) {
    bool pass = options_.pass == PassMode::All || (options_.pass == PassMode::Valid && !errors) ||
                (options_.pass == PassMode::Invalid && errors);
    if (pass) passOn(r, diags_);
  }
  if (options_.max_errors > 0 && long(summary_.errors) >= options_.max_errors) {
    summary_.stopped = true;
    return false;
  }
  return !(record_out_ && record_out_->brokenPipe());
}

void ValidationSession::run(const std::string& path) {
  if (summary_.stopped) return;
  RecordSourceEvents events;
  events.record = [&](Record& r) { return onRecord(r); };
  events.diagnostic = [&](const Diagnostic& found) {
    Diagnostic d = found;
    if (d.code == "bad-line") {
      summary_.trouble = true;
      emit(d);
      return;
    }
    // Located like the records: by the file's name, as `_src` holds it.
    d.file = std::filesystem::path(path).filename().string();
    if (validator_.adopt(&d)) emit(d);
  };
  std::string err;
  if (!readRecords(schema_, path, options_.import, events, &err)) {
    Diagnostic d;
    d.file = path;
    d.code = "unreadable";
    d.message = err;
    emit(d);
    summary_.trouble = true;
  }
}

std::string ValidationSession::summaryLine() const {
  std::string codes;
  for (const auto& [code, n] : summary_.by_code)
    codes += (codes.empty() ? "" : ", ") + code + " " + std::to_string(n);
  return schema_.messages().format(
      summary_.stopped ? "validate-summary-stopped" : "validate-summary", options_.validate.lang,
      {{"records", std::to_string(summary_.records)},
       {"with_errors", std::to_string(summary_.with_errors)},
       {"with_warnings", std::to_string(summary_.with_warnings)},
       {"errors", std::to_string(summary_.errors)},
       {"warnings", std::to_string(summary_.warnings)},
       {"codes", codes.empty() ? "-" : codes}});
}

}  // namespace vetkit
