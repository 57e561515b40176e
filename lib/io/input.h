// Opens any input the tools read as a table: the format is decided by the file's first bytes,
// not its name, because operators rename files and mail servers mangle extensions.
#pragma once

#include <memory>
#include <string>

#include "io/csv_reader.h"
#include "io/sheet.h"

namespace vetkit {

enum class InputFormat { Csv, Xlsx };

/// Opens `path` ("-" is standard input, read as CSV). Legacy .xls and other binary files are
/// refused with a reason naming what they are.
std::unique_ptr<Workbook> openTable(const std::string& path, const CsvOptions& csv,
                                    std::string* err);

}  // namespace vetkit
