// Fuzzes the xlsx reader: the zip container, workbook.xml and its relationships, shared
// strings, styles and every sheet (fast scanner, then expat when it gives up).
#include <cstdint>
#include <string>

#include "core/limits.h"
#include "fuzz_common.h"
#include "io/xlsx_reader.h"

using namespace vetkit;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  fuzz::MemFile file(data, size);
  std::string err;
  // A small --max-inflated, so that the bound itself is fuzzed too: reaching it is a pass.
  auto book = openXlsx(file.path(), &err, size > 0 && data[0] % 2 ? uint64_t(1) << 20 : 0);
  if (!book) return 0;
  for (size_t i = 0; i < book->sheets().size(); ++i) {
    int last_row = 0;
    book->readSheet(
        i,
        [&](const Row& row) {
          if (row.number <= 0) __builtin_trap();
          // The bounds of a row: Excel's 16,384 columns and a CSV line's bytes.
          size_t bytes = 0;
          for (const Cell& c : row.cells) {
            if (c.col < 0 || c.col >= kMaxColumns) __builtin_trap();
            bytes += c.text.size();
          }
          if (row.cells.size() > size_t(kMaxColumns) || bytes > kMaxLineBytes) __builtin_trap();
          last_row = row.number;
          return true;
        },
        &err);
  }
  return 0;
}
