#include "import/record_source.h"

#include <cctype>
#include <fstream>

#include "record/record_reader.h"

namespace vetkit {

bool isRecordStream(const std::string& path) {
  if (path == "-") return true;
  std::string lower = path;
  for (char& c : lower) c = char(std::tolower(static_cast<unsigned char>(c)));
  for (const char* ext : {".jsonl", ".ndjson", ".json"})
    if (lower.ends_with(ext)) return true;
  for (const char* ext : {".xlsx", ".xlsm", ".xls", ".et", ".ods", ".csv", ".tsv", ".txt"})
    if (lower.ends_with(ext)) return false;
  std::ifstream in(path, std::ios::binary);
  char c;
  while (in.get(c))
    if (c != ' ' && c != '\t' && c != '\r' && c != '\n') return c == '{';
  return false;
}

bool readRecords(const Schema& schema, const std::string& path, const ImportOptions& options,
                 const RecordSourceEvents& events, std::string* err) {
  RecordReader reader(schema);
  if (isRecordStream(path)) {
    bool ok = reader.readFile(
        path,
        [&](Record& r) {
          if (r.src.empty()) r.src = path, r.row = long(r.line_number);
          return events.record(r);
        },
        [&](size_t line, const std::string& why) {
          Diagnostic d;
          d.file = path;
          d.row = int(line);
          d.code = "bad-line";
          d.message = schema.messages().format("bad-line", options.lang,
                                               {{"line", std::to_string(line)}, {"reason", why}});
          if (events.diagnostic) events.diagnostic(d);
        },
        err);
    if (!ok) *err = schema.messages().format("unreadable", options.lang, {{"reason", *err}});
    return ok;
  }
  std::string parse_err;
  Record rec;
  LineCallback* self = nullptr;
  LineCallback lines([&](std::string_view line) {
    if (self->brokenPipe()) return;
    if (reader.parse(line, &rec, &parse_err) && !events.record(rec)) self->stop();
  });
  self = &lines;
  bool unreadable = false;
  Importer importer(schema, options, &lines, [&](const Diagnostic& d) {
    if (d.code == "unreadable" || d.code == "no-sheet") {
      unreadable = true;
      *err = d.message;
      return;
    }
    if (events.diagnostic) events.diagnostic(d);
  });
  importer.importFile(path);
  return !unreadable;
}

}  // namespace vetkit
