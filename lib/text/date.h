// Dates as people write them in Chinese spreadsheets, kept at the precision they were given:
// 1978, 1978-03 or 1978-03-05.
#pragma once

#include <string>
#include <string_view>

namespace vetkit {

struct PartialDate {
  int year = 0;
  int month = 0;  // 0 when only the year was given
  int day = 0;    // 0 when only year and month were given
  bool operator==(const PartialDate&) const = default;
};

/// True for a real calendar day (Gregorian; 1900 is not a leap year).
bool isValidDay(int year, int month, int day);

/// Reads 1978 / 1978.03 / 1978.3.5 / 1978年3月 / 1978年3月5日 / 1978-3-5 / 1978/03/05 /
/// 19780305 / 197803 / 78.03 / ISO with a time part, and a 5-digit Excel serial. `text` must
/// already be folded (ASCII digits). Two-digit years up to `pivot_yy` are 20yy, later 19yy.
/// Returns false for anything else, including impossible days such as 1978-02-30.
bool parseDate(std::string_view text, PartialDate* out, int pivot_yy = 30);

/// The day an Excel serial number stands for, honouring the 1900 leap-year bug (serial 60 is
/// the nonexistent 1900-02-29) and the 1904 date system. False outside 1..2958465.
bool excelSerialToDate(long serial, bool date1904, PartialDate* out);

/// 1978, 1978-03 or 1978-03-05.
std::string formatIsoDate(const PartialDate& d);

/// formatIsoDate() into `buf` (10 bytes at least); returns the length.
size_t formatIsoDate(const PartialDate& d, char* buf);

/// True when `text` is a real day written as 1978-03-05: parseDate() would read it and
/// formatIsoDate() give it back unchanged.
bool isIsoDay(std::string_view text);

/// Orders partial dates by their known parts only: -1, 0 (equal, or one is a prefix of the
/// other such as 1978-03 and 1978-03-05) or 1.
int comparePartial(const PartialDate& a, const PartialDate& b);

}  // namespace vetkit
