// Fuzzes the xlsx reader: the zip container, workbook.xml and its relationships, shared
// strings, styles and every sheet (fast scanner, then expat when it gives up).
#include <cstdint>
#include <string>

#include "fuzz_common.h"
#include "io/xlsx_reader.h"

using namespace vetkit;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  fuzz::MemFile file(data, size);
  std::string err;
  auto book = openXlsx(file.path(), &err);
  if (!book) return 0;
  for (size_t i = 0; i < book->sheets().size(); ++i) {
    int last_row = 0;
    book->readSheet(
        i,
        [&](const Row& row) {
          if (row.number <= 0) __builtin_trap();
          last_row = row.number;
          return true;
        },
        &err);
  }
  return 0;
}
