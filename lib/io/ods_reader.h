// OpenDocument spreadsheets (.ods), as LibreOffice and WPS save them: content.xml read with
// expat straight out of the zip, one table at a time. Repeated rows and cells
// (table:number-rows-repeated, table:number-columns-repeated) are expanded only when they hold
// something; the empty tail LibreOffice writes (a row repeated 1,048,576 times) costs a counter.
// A sheet is hidden when its table style says table:display="false".
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "io/sheet.h"

namespace vetkit {

/// Cells that repetition may add to one sheet beyond those written out (a 1,000,000-row sheet
/// of 16 columns): a few bytes of XML that ask for billions of cells are refused past it.
inline constexpr uint64_t kMaxRepeatedCells = uint64_t(16) << 20;

/// True when the zip at `path` is an OpenDocument package (content.xml, no xl/workbook.xml).
bool isOds(const std::string& path);

/// Opens `path` as an .ods workbook: lists its sheets (one pass over content.xml). nullptr and
/// `err` on failure.
/// `max_inflated` bounds what the package inflates to, as for .xlsx (0: the default bound).
std::unique_ptr<Workbook> openOds(const std::string& path, std::string* err,
                                  uint64_t max_inflated = 0);

}  // namespace vetkit
