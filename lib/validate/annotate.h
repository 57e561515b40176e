// The annotated copy of an operator's workbook: the same cells at the same places, with every
// cell a diagnostic names coloured and commented, behind a summary sheet of counts per rule.
// The operator opens it in Excel or WPS and finds each problem where they typed it.
#pragma once

#include <string>
#include <vector>

#include "core/diag.h"
#include "core/lang.h"
#include "io/csv_reader.h"
#include "schema/messages.h"

namespace vetkit {

struct AnnotateOptions {
  Lang lang = Lang::Zh;                // labels of the summary sheet and comments
  const Messages* messages = nullptr;  // their texts (the schema's messages.yaml)
  CsvOptions csv;                      // how to re-read a CSV input
};

/// Writes `out_path` (.xlsx): `input` copied sheet by sheet with the cells named by `diags`
/// coloured and commented, after a summary sheet; false with `err` and no file on failure.
bool writeAnnotatedWorkbook(const std::string& input, const std::vector<Diagnostic>& diags,
                            const std::string& out_path, const AnnotateOptions& options,
                            std::string* err);

}  // namespace vetkit
