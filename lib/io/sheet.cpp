#include "io/sheet.h"

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
  return "row " + std::to_string(row) + ", column " + columnLetter(col) + ": cell longer than " +
         std::to_string(kMaxCellChars) + " characters (Excel's limit)";
}

std::string tooManyColumnsError(int row) {
  return "row " + std::to_string(row) + ": cells past column " + columnLetter(kMaxColumns - 1) +
         " (Excel's limit of " + std::to_string(kMaxColumns) + " columns)";
}

}  // namespace vetkit
