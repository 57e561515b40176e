#include "sign/utc_time.h"

#include <cstdio>
#include <ctime>

namespace vetkit {

namespace {

// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm), so no
// time zone or locale can get into the result.
int64_t daysFromCivil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = unsigned(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + int64_t(doe) - 719468;
}

bool digits(std::string_view s, size_t pos, size_t n, int* out) {
  int v = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    v = v * 10 + (s[i] - '0');
  }
  *out = v;
  return true;
}

}  // namespace

bool parseUtcTime(std::string_view text, int64_t* seconds) {
  int y, mo, d, h = 0, mi = 0, s = 0;
  if (text.size() != 10 && text.size() != 20) return false;
  if (!digits(text, 0, 4, &y) || text[4] != '-' || !digits(text, 5, 2, &mo) || text[7] != '-' ||
      !digits(text, 8, 2, &d))
    return false;
  if (text.size() == 20 &&
      (text[10] != 'T' || !digits(text, 11, 2, &h) || text[13] != ':' ||
       !digits(text, 14, 2, &mi) || text[16] != ':' || !digits(text, 17, 2, &s) || text[19] != 'Z'))
    return false;
  static const int kDays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  if (mo < 1 || mo > 12 || d < 1 || d > kDays[mo - 1] || (mo == 2 && d == 29 && !leap) || h > 23 ||
      mi > 59 || s > 59)
    return false;
  *seconds = daysFromCivil(y, unsigned(mo), unsigned(d)) * 86400 + h * 3600 + mi * 60 + s;
  return true;
}

std::string formatUtcTime(int64_t seconds) {
  std::time_t t = std::time_t(seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[96];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02dZ", tm.tm_year + 1900, tm.tm_mon + 1,
                tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
  return buf;
}

int64_t currentUtcTime() {
  return int64_t(std::time(nullptr));
}

}  // namespace vetkit
