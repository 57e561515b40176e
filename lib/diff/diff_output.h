// The forms a diff is written in: lines for people (code labels, field labels, masked
// numbers, colour on a terminal), JSON for programs, CSV for the auditor's sheet, and counts.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/line_output.h"
#include "diff/diff.h"
#include "record/json_writer.h"
#include "schema/schema.h"

namespace vetkit {

enum class DiffFormat { Text, Json, Csv, Html };

/// The format --format names (text, json, csv, html); Text for anything else.
DiffFormat diffFormatNamed(const std::string& name);

struct DiffOutputOptions {
  DiffFormat format = DiffFormat::Text;
  bool stat = false;  // counts only, instead of the differences
  Lang lang = Lang::Zh;
  bool mask = true;               // identity and phone numbers masked in keys and values
  bool color = false;             // text: ANSI colours (the tool decides: a terminal, not NO_COLOR)
  std::vector<const Field*> key;  // as DiffOptions::key, to mask and label the key
};

/// A sink that writes each difference to `out` as it comes, in the chosen form.
std::unique_ptr<DiffSink> makeDiffWriter(const Schema& schema, const DiffOutputOptions& options,
                                         LineOutput* out);

/// The HTML page (diff_html.cpp): one self-contained file, rows streamed as found.
std::unique_ptr<DiffSink> makeHtmlDiffWriter(const Schema& schema, const DiffOutputOptions& options,
                                             LineOutput* out);

/// A value as people read it: code labels, division names, yes/no words, "(empty)", and
/// identity and phone numbers masked when `mask`.
std::string displayValue(const Schema& schema, const Field& field, const FieldValue& value,
                         Lang lang, bool mask);

/// The column of a change as people read it: the field's label, or an unknown column's header.
std::string changeColumnName(const Schema& schema, const FieldChange& c, Lang lang);
/// A value of a change as people read it (displayValue; an unknown column's text masked as
/// free text when `mask`).
std::string changeDisplayValue(const Schema& schema, const FieldChange& c, const FieldValue& v,
                               Lang lang, bool mask);

/// A value in JSON as the stream has it (codes, true/false, arrays; null when empty), identity
/// and phone numbers masked when `mask`.
void writeJsonValue(JsonWriter* w, const Field& field, const FieldValue& value, bool mask);

/// The one-line summary for standard error: counts of added, removed, changed, unchanged.
std::string diffSummary(const Schema& schema, const DiffStats& stats, Lang lang);

}  // namespace vetkit
