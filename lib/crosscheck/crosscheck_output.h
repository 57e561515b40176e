// The forms a cross-check is written in: lines for people, CSV for the auditor's sheet, one
// HTML page, and JSON lines for programs (vetreport --findings files them per county).
#pragma once

#include <memory>
#include <string>

#include "core/line_output.h"
#include "crosscheck/crosscheck.h"
#include "diff/diff_output.h"

namespace vetkit {

struct CrossOutputOptions {
  DiffFormat format = DiffFormat::Text;
  Lang lang = Lang::Zh;
  bool mask = true;  // identity and phone numbers masked in keys and values
};

/// A sink that writes each finding to `out` as it comes, in the chosen form.
std::unique_ptr<CrossSink> makeCrossWriter(const Schema& schema, const DepartmentProfile& dept,
                                           const CrossOutputOptions& options, LineOutput* out);

/// The one-line summary for standard error: people on each side, matched, findings by kind.
std::string crossSummary(const Schema& schema, const DepartmentProfile& dept,
                         const CrossStats& stats, Lang lang);

}  // namespace vetkit
