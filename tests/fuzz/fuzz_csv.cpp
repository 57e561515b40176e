// Fuzzes the CSV reader: encoding detection (and both forced encodings), delimiter guessing,
// the quote-free fast path against libcsv.
#include <cstdint>
#include <string>

#include "fuzz_common.h"
#include "io/csv_reader.h"

using namespace vetkit;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  // The first byte picks the options, so that one corpus covers them all.
  uint8_t mode = data[0];
  fuzz::MemFile file(data + 1, size - 1);
  CsvOptions options;
  options.encoding = mode % 3 == 0   ? TextEncoding::Auto
                     : mode % 3 == 1 ? TextEncoding::Utf8
                                     : TextEncoding::Gb18030;
  options.fast_path = (mode & 4) == 0;
  if (mode & 8) options.delimiter = (mode & 16) ? '\t' : ',';
  std::string err;
  auto book = openCsv(file.path(), options, &err);
  if (!book) return 0;
  for (size_t i = 0; i < book->sheets().size(); ++i) {
    size_t cells = 0;
    book->readSheet(
        i,
        [&](const Row& row) {
          int last = -1;
          for (const Cell& c : row.cells) {
            if (c.col <= last) __builtin_trap();         // cells come in column order, once each
            if (c.col >= kMaxColumns) __builtin_trap();  // the bound on cells of a row
            last = c.col;
            cells += c.text.size();
          }
          return true;
        },
        &err);
  }
  return 0;
}
