// Fuzzes the text layer: dates, identity numbers, folding and GB18030 decoding.
#include <cstdint>
#include <string>
#include <string_view>

#include "text/date.h"
#include "text/encoding.h"
#include "text/fold.h"
#include "text/id_number.h"

using namespace vetkit;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);

  PartialDate d;
  if (parseDate(in, &d)) {
    if (d.month == 0 ? d.day != 0 : !(d.month >= 1 && d.month <= 12)) __builtin_trap();
    if (d.day != 0 && !isValidDay(d.year, d.month, d.day)) __builtin_trap();
    PartialDate again;
    if (!parseDate(formatIsoDate(d), &again) || !(again == d)) __builtin_trap();
  }

  std::string folded = foldIdNumber(in);
  IdParts parts;
  checkIdNumber(folded, &parts);
  checkIdNumber(in, &parts);
  identityKey(in);
  maskIdNumber(in);
  upgradeId15(in);
  if (in.size() >= 17) idCheckChar(in.substr(0, 17));

  std::string value = foldValue(in);
  if (foldValue(value) != value) __builtin_trap();  // folding is idempotent
  foldKey(in);

  // The same bytes decoded whole and cut at an arbitrary point must agree.
  Gb18030Decoder whole, split;
  std::string a, b;
  whole.decode(in, &a, true);
  size_t cut = size ? data[0] % (size + 1) : 0;
  split.decode(in.substr(0, cut), &b, false);
  split.decode(in.substr(cut), &b, true);
  if (a != b || whole.invalidCount() != split.invalidCount()) __builtin_trap();
  return 0;
}
