// Legacy Excel 97–2003 workbooks (.xls, BIFF2–BIFF8 in an OLE compound file) and WPS's .et,
// which is the same BIFF8 container, through FreeXL, a read-only BIFF reader. FreeXL decodes
// every sheet's cells when the file is opened, so memory grows with the workbook (a .xls holds
// at most 65,536 rows a sheet); rows are then given to the sink one at a time as everywhere.
// FreeXL says which cells are dates; hidden sheets are found by reading the sheet list
// (BOUNDSHEET records) from the compound file ourselves, since FreeXL does not report it.
#pragma once

#include <memory>
#include <string>

#include "io/sheet.h"

namespace vetkit {

/// Opens `path` as a BIFF workbook. Returns nullptr and sets `err` and `code` on failure:
/// `code` is "xls-encrypted" for a password-protected workbook and "xls-unreadable" for one
/// FreeXL cannot read, each a message of schemas/messages.yaml taking {reason}.
std::unique_ptr<Workbook> openXls(const std::string& path, std::string* err, std::string* code);

/// The text Excel shows for a number with the General format: integers as such up to 15
/// digits, else 15 significant digits ("1996.1", "4.30102197803051E+17").
std::string formatXlsNumber(double v);

}  // namespace vetkit
