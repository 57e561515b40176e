// Extracts for departments (issue 16 item 5): `vetmerge --db S --export --for PROFILE -o FILE`
// writes the current merged set with only the fields the department's profile lets it receive
// (`send:` in schemas/departments/*.yaml — data minimisation: 公安 gets who a person is, never
// phones, appeals or benefits), under the schema's Chinese labels, as .xlsx or CSV, whole or
// not at all; then records in the store's log who received what and when (extract_log.h).
// `vetmerge --db S --extracts` lists that log.
#pragma once

#include <string>
#include <vector>

#include "core/lang.h"
#include "core/line_output.h"
#include "schema/department_profile.h"
#include "schema/schema.h"
#include "store/store.h"

namespace vetkit {

struct ExtractRequest {
  std::string dept;    // --for: a profile's name or file; empty: no extract asked
  bool list = false;   // --extracts: the log
  std::string output;  // -o: FILE.xlsx or FILE.csv
  bool gbk = false;    // a CSV in GBK (GB18030), as Chinese Excel reads a CSV
  std::string now;     // made_at (UTC, ISO 8601); empty: SOURCE_DATE_EPOCH, else the clock

  bool wanted() const { return !dept.empty() || list; }
};

/// What was written: the people, the fields (in column order), the file's SHA-256 and the id
/// the log gave the extract.
struct ExtractResult {
  int64_t records = 0, id = 0;
  std::vector<const Field*> fields;
  std::string sha256, made_at;
};

/// "xlsx" or "csv" for an output path by its extension (any case); "" for any other.
std::string extractFormat(const std::string& path);

/// The cells of one record for `fields`: a coded value as its label (性别 男, not 1), a set as
/// its labels joined by 、, yes/no as 是/否, any other as stored; a value that is not text as its
/// JSON. `json` is one line of the record stream.
bool extractCells(std::string_view json, const std::vector<const Field*>& fields,
                  std::vector<std::string>* cells);

/// Writes the extract of `store`'s current set for `profile` to request.output and records it
/// in the store's log (in one write transaction); false with `err` and no file on failure.
bool writeExtract(Store& store, const Schema& schema, const DepartmentProfile& profile,
                  const ExtractRequest& request, ExtractResult* result, std::string* err);

/// The log, oldest first, one JSON object a line (id, profile, department, fields, records,
/// file, format, sha256, made_at) to `out`; false with `err`.
bool listExtracts(StoreReader& store, LineOutput* out, std::string* err);

}  // namespace vetkit
