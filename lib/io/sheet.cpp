#include "io/sheet.h"

namespace vetkit {

std::string columnLetter(int col) {
  std::string s;
  for (int n = col + 1; n > 0; n = (n - 1) / 26) s.insert(s.begin(), char('A' + (n - 1) % 26));
  return s;
}

}  // namespace vetkit
