// CSV and TSV through libcsv, as Chinese Excel and WPS save them: UTF-8 with or without BOM,
// or GBK/GB18030; CRLF or LF; quoted fields with newlines. One unnamed sheet.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "io/sheet.h"
#include "text/encoding.h"

namespace vetkit {

struct CsvOptions {
  TextEncoding encoding = TextEncoding::Auto;
  char delimiter = 0;     // 0: guessed from the first line (',' '\t' ';')
  bool fast_path = true;  // split quote-free lines without libcsv (off: tests compare both)
  // Not CSV, but what openTable() is told too: the bytes an .xlsx may inflate to in all
  // (0: kMaxInflatedWorkbook; --max-inflated).
  uint64_t max_inflated = 0;
};

/// Opens `path` ("-" for standard input) as delimited text. Fails for unreadable files and for
/// binary data. Encoding problems found while reading are reported in Workbook::warnings.
std::unique_ptr<Workbook> openCsv(const std::string& path, const CsvOptions& options,
                                  std::string* err);

}  // namespace vetkit
