// Opens any input the tools read as a table: the format is decided by the file's first bytes,
// not its name, because operators rename files and mail servers mangle extensions.
#pragma once

#include <memory>
#include <string>

#include "io/csv_reader.h"
#include "io/sheet.h"

namespace vetkit {

enum class InputFormat { Csv, Xlsx };

/// Opens `path` ("-" is standard input, read as CSV): .xlsx, .ods, .xls/.et (BIFF), or
/// delimited text (UTF-8, GB18030, UTF-16 with BOM). Binary files are refused with a reason
/// naming what they are. When the failure has a message of its own in schemas/messages.yaml
/// (taking {reason}), `code` is set to it; else it is left empty and the caller says
/// "unreadable".
std::unique_ptr<Workbook> openTable(const std::string& path, const CsvOptions& csv,
                                    std::string* err, std::string* code = nullptr);

}  // namespace vetkit
