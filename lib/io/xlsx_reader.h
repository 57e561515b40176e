// Streaming reader of Office Open XML workbooks (.xlsx), as Excel, WPS, LibreOffice and SheetJS
// write them. Sheets are found through workbook.xml and its relationships; cell XML is parsed
// with expat straight out of the zip entry, so memory stays bounded by the shared strings.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "io/sheet.h"

namespace vetkit {

/// Opens `path` as an xlsx workbook. Returns nullptr and sets `err` (a short lower-case reason
/// such as "not a zip file" or "not an xlsx workbook: no xl/workbook.xml") on failure.
/// `max_inflated` bounds what its parts inflate to in all (0: the default, see zip_file.h).
std::unique_ptr<Workbook> openXlsx(const std::string& path, std::string* err,
                                   uint64_t max_inflated = 0);

}  // namespace vetkit
