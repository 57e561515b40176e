// A county's corrected re-submission fixes mistyped identity numbers: the person it sent
// before under a wrong number comes back under the right one. Keyed by number, the two would
// be two people — the wrong one kept current, its error sent back to a county that already
// fixed it. So, when a unit's new batch lacks a person it sent before and brings one with the
// same name, birth date, gender and unit whose number is the valid form of the old one, the
// merge takes them for one person (the old version retired by the new, under the new number,
// the decision recorded with its reason). Valid form means, and only means:
//   id-check-digit     the same 17 digits, the old check character wrong
//   id-excel-mangled   the old "number" is what Excel made of it (4.313811982091551e+17):
//                      the surviving digits begin the new one
//   id-15-upgraded     the old 15-digit number upgraded (the same key already)
//   id-transposition   the old fails its check, one adjacent swap gives the new one
// Anything less certain (another name, another birth date) is left to candidate detection,
// listed for people to adjudicate.
#pragma once

#include <string>
#include <string_view>

#include "store/store.h"

namespace vetkit {

/// The reason `new_key` (a valid 18-digit number) is the valid form of `old_key` as typed, or
/// null when it is not.
const char* idCorrection(std::string_view old_key, std::string_view new_key);

/// The digits an Excel-mangled number still holds ("4.313811982091551E+17" ->
/// "431381198209155" + "1"), or "" when `key` is not a number in scientific notation with
/// exponent 17.
std::string excelDigits(std::string_view key);

/// Whether `a` (sent before) and `b` (brought now) are the same person but for the number:
/// the same name (blanks aside), birth dates that agree, the same gender when both give one.
bool samePersonButNumber(const PersonRef& a, const PersonRef& b);

}  // namespace vetkit
