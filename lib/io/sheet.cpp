#include "io/sheet.h"

#include "core/text_catalogue.h"

namespace vetkit {

std::string columnLetter(int col) {
  std::string s;
  for (int n = col + 1; n > 0; n = (n - 1) / 26) s.insert(s.begin(), char('A' + (n - 1) % 26));
  return s;
}

bool overlongCellSlow(std::string_view s) {
  size_t chars = 0;
  for (char c : s) chars += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return chars > kMaxCellChars;
}

std::string overlongCellError(int row, int col) {
  return tr("row {row}, column {column}: cell longer than {chars} characters (Excel's limit)",
            {{"row", std::to_string(row)},
             {"column", columnLetter(col)},
             {"chars", std::to_string(kMaxCellChars)}});
}

std::string tooManyColumnsError(int row) {
  return tr("row {row}: cells past column {column} (Excel's limit of {columns} columns)",
            {{"row", std::to_string(row)},
             {"column", columnLetter(kMaxColumns - 1)},
             {"columns", std::to_string(kMaxColumns)}});
}

}  // namespace vetkit
