#include "merge/identity_correction.h"

#include <algorithm>

#include "merge/identity.h"
#include "record/value_equivalence.h"
#include "text/id_number.h"

namespace vetkit {

std::string excelDigits(std::string_view key) {
  // d.ddddE+17, as Excel shows an 18-digit number it has turned into a double; LibreOffice
  // Calc writes the exponent with three digits (4.31381198209155E+017).
  size_t e = key.find_first_of("eE");
  if (key.size() < 4 || key[1] != '.' || e == std::string_view::npos) return {};
  std::string_view exp = key.substr(e + 1);
  if (exp != "+17" && exp != "17" && exp != "+017") return {};
  std::string digits(1, key[0]);
  for (char c : key.substr(2, e - 2)) {
    if (c < '0' || c > '9') return {};
    digits += c;
  }
  if (digits[0] < '1' || digits[0] > '9' || digits.size() < 6) return {};
  return digits;
}

const char* idCorrection(std::string_view old_key, std::string_view new_key) {
  if (!looksLikeId18(new_key) || checkIdNumber(new_key) != IdStatus::Ok || old_key == new_key)
    return nullptr;
  if (old_key.size() == 15 && upgradeId15(old_key) == new_key) return "id-15-upgraded";
  std::string digits = excelDigits(old_key);
  if (!digits.empty()) {
    // The last digit Excel shows may be rounded: all but it must begin the number.
    std::string_view sure = std::string_view(digits).substr(0, digits.size() - 1);
    return new_key.starts_with(sure) ? "id-excel-mangled" : nullptr;
  }
  if (!looksLikeId18(old_key) || checkIdNumber(old_key) == IdStatus::Ok) return nullptr;
  if (old_key.substr(0, 17) == new_key.substr(0, 17)) return "id-check-digit";
  for (size_t i = 0; i + 1 < 18; ++i) {
    if (old_key[i] == old_key[i + 1]) continue;
    std::string swapped(old_key);
    std::swap(swapped[i], swapped[i + 1]);
    if (swapped == new_key) return "id-transposition";
  }
  return nullptr;
}

bool samePersonButNumber(const PersonRef& a, const PersonRef& b) {
  if (a.name.empty() || squeezeBlanks(a.name) != squeezeBlanks(b.name)) return false;
  if (a.birth_date.empty() || !sameDate(a.birth_date, b.birth_date)) return false;
  return a.gender.empty() || b.gender.empty() || a.gender == b.gender;
}

}  // namespace vetkit
