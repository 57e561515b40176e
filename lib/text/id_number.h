// Resident identity numbers (GB 11643-1999): 6-digit address code, 8-digit birth date,
// 3-digit sequence whose parity is the gender, and an ISO 7064 MOD 11-2 check character.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "text/date.h"

namespace vetkit {

/// The check character ('0'..'9' or 'X') for the first 17 digits; 0 if they are not digits.
char idCheckChar(std::string_view first17);

/// Folds what a sheet holds into the canonical spelling: NFKC (full-width digits), blanks
/// and a leading apostrophe (Excel's text marker) removed, 'x' upper-cased. Nothing else is
/// changed: a value in scientific notation stays as it is, to be reported, never "repaired".
std::string foldIdNumber(std::string_view raw);

/// foldIdNumber() for a value that is already folded (NFKC, trimmed), in place.
void canonicalizeIdNumber(std::string* id);

/// The 18-digit form of a 15-digit number (born 19YY, check character computed); empty when
/// `id15` is not 15 digits.
std::string upgradeId15(std::string_view id15);

/// The identity key of a person: the folded number, upgraded to 18 digits when it had 15.
std::string identityKey(std::string_view raw);

enum class IdStatus {
  Ok,
  BadFormat,     // not 18 characters of 17 digits and a digit or X (e.g. 4.30102E+17)
  BadBirthDate,  // the 8 digits of the birth date are not a real day
  BadChecksum,
};

struct IdParts {
  std::string_view region;  // first 6 digits
  PartialDate birth;
  int gender = 0;  // 1 male (odd sequence), 2 female (even)
};

/// Checks a folded 18-character number and splits it into its parts.
IdStatus checkIdNumber(std::string_view id, IdParts* parts = nullptr);

/// True when the identity key `key` is worth expanding into its one-mistake variants
/// (candidate detection): it was upgraded from 15 digits (`id15` not empty: the check
/// character came after any mistake), or it has 18 characters and fails its check.
bool suspectIdNumber(std::string_view key, std::string_view id15);

/// An 18-character identity number (17 digits and a digit or X, the check not verified) as
/// one number below 2^63, never 0: (the 17 digits * 11 + the check value) + 1, the check
/// value of X being 10. 0 when `id` is not of that form. Keys compare as integers this way.
uint64_t packIdNumber(std::string_view id);

/// The 18 characters of a number packed by packIdNumber() (which must not be 0).
std::string unpackIdNumber(uint64_t packed);

/// Masks all but the first 4 and last 4 characters: 4301**********1234.
std::string maskIdNumber(std::string_view id);

}  // namespace vetkit
