#include "io/input.h"

#include "core/text_catalogue.h"

#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstring>

#include "io/ods_reader.h"
#include "io/xls_reader.h"
#include "io/xlsx_reader.h"

namespace vetkit {

std::unique_ptr<Workbook> openTable(const std::string& path, const CsvOptions& csv,
                                    std::string* err, std::string* code) {
  std::string ignored;
  if (!code) code = &ignored;
  if (path == "-") return openCsv(path, csv, err);
  unsigned char magic[8] = {0};
  size_t got = 0;
  if (FILE* f = std::fopen(path.c_str(), "rb")) {
    got = std::fread(magic, 1, sizeof magic, f);
    std::fclose(f);
  } else {
    *err = errnoText(errno);
    return nullptr;
  }
  if (got >= 4 && std::memcmp(magic, "PK\x03\x04", 4) == 0)
    return isOds(path) ? openOds(path, err, csv.max_inflated)
                       : openXlsx(path, err, csv.max_inflated);
  // An OLE compound file: Excel 97-2003 .xls, WPS .et, or an encrypted .xlsx.
  if (got >= 8 && std::memcmp(magic, "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8) == 0)
    return openXls(path, err, code);
  std::string lower = path;
  for (char& c : lower) c = char(std::tolower(static_cast<unsigned char>(c)));
  if (lower.ends_with(".xlsx") || lower.ends_with(".xlsm"))
    return openXlsx(path, err, csv.max_inflated);
  CsvOptions options = csv;
  if (options.delimiter == 0 && lower.ends_with(".tsv")) options.delimiter = '\t';
  return openCsv(path, options, err);
}

}  // namespace vetkit
