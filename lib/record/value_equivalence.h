// When two values of a field are the same value. One judgement for every tool that compares
// records (vetdiff's changes, vetmerge's conflicts), so that a merge never reports as a
// conflict what the diff rightly sees as no change.
#pragma once

#include <string>
#include <string_view>

#include "record/record.h"
#include "schema/schema.h"

namespace vetkit {

enum class Equivalence {
  /// Same meaning: blanks in text next to CJK characters, the order and repetition of a code
  /// set, the spelling of a number, a 15-digit identity number beside its 18-digit form and
  /// the precision of a date (1978-03 is 1978-03-05, less exactly: see precision()) do not
  /// count.
  Canonical,
  /// Same bytes (and kind): only where a caller must tell spellings apart.
  Strict,
};

/// Whether `a` and `b`, two values of field `f`, are the same value under `eq`.
bool sameValue(const Field& f, const FieldValue& a, const FieldValue& b,
               Equivalence eq = Equivalence::Canonical);

/// Two canonical dates that are the same date, one perhaps less exactly (1978-03, 1978-03-05).
bool sameDate(std::string_view a, std::string_view b);

/// How exactly a value says what it says, to choose among values that are the same (sameValue):
/// a date's length (1978 < 1978-03 < 1978-03-05); 0 for every other value.
int precision(const Field& f, const FieldValue& v);

/// Text without the blanks people type to align or separate Chinese text (王  五 → 王五); a
/// run of blanks between ASCII words is one blank.
std::string squeezeBlanks(std::string_view s);

}  // namespace vetkit
