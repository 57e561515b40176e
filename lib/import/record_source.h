// Any input a tool accepts, read as records: a record stream directly, a spreadsheet or CSV
// through the importer (whose lines are parsed back, so both paths yield the very same
// canonical values). Every tool that consumes records reads them through here.
#pragma once

#include <functional>
#include <string>

#include "core/diag.h"
#include "import/importer.h"
#include "record/record.h"
#include "schema/schema.h"

namespace vetkit {

/// True when `path` holds the record stream rather than a spreadsheet or CSV: "-", or by its
/// extension (.jsonl, .ndjson, .json), else by a first non-blank byte '{'.
bool isRecordStream(const std::string& path);

struct RecordSourceEvents {
  /// Each record; return false to stop reading.
  std::function<bool(Record&)> record;
  /// Importer findings (unknown-column, missing-column, ...) and stream lines that are not
  /// records (code "bad-line", row = the line). The file is the input's path.
  DiagnosticSink diagnostic;
};

/// Reads every record of `path`. Returns false with `err` set to a message for people (in
/// `options.lang`) when the input cannot be read at all (missing, corrupt, not a
/// spreadsheet); findings go to `events.diagnostic`. Records
/// of a stream without provenance get `_src` = `path` and `_row` = their line.
bool readRecords(const Schema& schema, const std::string& path, const ImportOptions& options,
                 const RecordSourceEvents& events, std::string* err);

}  // namespace vetkit
