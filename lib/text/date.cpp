#include "text/date.h"

#include <algorithm>

namespace vetkit {

namespace {

bool isLeap(int y) {
  return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int daysInMonth(int y, int m) {
  static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && isLeap(y) ? 29 : kDays[m - 1];
}

// Days since 1970-01-01 to civil date (Howard Hinnant's algorithm).
void civilFromDays(long z, int* y, int* m, int* d) {
  z += 719468;
  long era = (z >= 0 ? z : z - 146096) / 146097;
  long doe = z - era * 146097;
  long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  long mp = (5 * doy + 2) / 153;
  *d = int(doy - (153 * mp + 2) / 5 + 1);
  *m = int(mp < 10 ? mp + 3 : mp - 9);
  *y = int(yoe + era * 400 + (*m <= 2));
}

struct Group {
  int value;
  int digits;
};

bool isDigit(char c) {
  return c >= '0' && c <= '9';
}

// A time of day that may follow a date: " 0:00", " 00:00:00", "T00:00:00.000".
bool isTimePart(std::string_view s) {
  if (s.empty()) return true;
  if (s[0] != ' ' && s[0] != 'T') return false;
  size_t i = 1;
  while (i < s.size() && s[i] == ' ') ++i;
  bool digit = false;
  for (; i < s.size(); ++i) {
    if (isDigit(s[i])) {
      digit = true;
    } else if (s[i] != ':' && s[i] != '.') {
      return false;
    }
  }
  return digit;
}

}  // namespace

bool isValidDay(int year, int month, int day) {
  return year >= 1 && month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month);
}

bool excelSerialToDate(long serial, bool date1904, PartialDate* out) {
  if (serial < 1 || serial > 2958465) return false;
  long days;  // days since 1970-01-01
  if (date1904) {
    days = serial - 24107;  // 1904-01-01 is serial 0
  } else {
    if (serial == 60) return false;  // 1900-02-29 never happened
    days = serial - (serial < 60 ? 25568 : 25569);
  }
  civilFromDays(days, &out->year, &out->month, &out->day);
  return true;
}

bool parseDate(std::string_view text, PartialDate* out, int pivot_yy) {
  // Split into digit groups and the separators between them.
  // At most three groups: a fixed array, since this runs for every date cell.
  struct Groups {
    Group g[3];
    size_t n = 0;
    size_t size() const { return n; }
    bool empty() const { return n == 0; }
    void push_back(Group x) { g[n++] = x; }
    const Group& operator[](size_t i) const { return g[i]; }
  } groups;
  std::string_view rest;
  size_t i = 0;
  char sep = 0;
  bool chinese = false;
  while (i < text.size()) {
    if (isDigit(text[i])) {
      if (groups.size() == 3) break;
      int v = 0, n = 0;
      while (i < text.size() && isDigit(text[i]) && n < 9) v = v * 10 + (text[i++] - '0'), ++n;
      if (i < text.size() && isDigit(text[i])) return false;
      groups.push_back({v, n});
      continue;
    }
    if (groups.empty()) return false;
    std::string_view s = text.substr(i);
    size_t len = 0;
    char kind = 0;
    if (s[0] == '.' || s[0] == '-' || s[0] == '/') {
      len = 1, kind = s[0];
    } else if (s.substr(0, 3) == "年" || s.substr(0, 3) == "月") {
      len = 3, kind = 'c', chinese = true;
    } else if (s.substr(0, 3) == "日" || s.substr(0, 3) == "号") {
      if (groups.size() != 3) return false;
      i += 3;
      break;
    } else {
      break;
    }
    if (sep && kind != sep && kind != 'c') return false;  // 1978.03-05 is not a date
    if (kind != 'c') sep = kind;
    i += len;
  }
  rest = text.substr(i);
  if (!isTimePart(rest) || groups.empty()) return false;
  if (!rest.empty() && groups.size() != 3) return false;
  (void)chinese;

  PartialDate d;
  if (groups.size() == 1) {
    const Group& g = groups[0];
    if (g.digits == 4) {
      d.year = g.value;
    } else if (g.digits == 6) {
      d.year = g.value / 100, d.month = g.value % 100;
    } else if (g.digits == 8) {
      d.year = g.value / 10000, d.month = g.value / 100 % 100, d.day = g.value % 100;
    } else if (g.digits == 5) {
      return excelSerialToDate(g.value, false, out);
    } else {
      return false;
    }
  } else {
    const Group& y = groups[0];
    if (y.digits == 4) {
      d.year = y.value;
    } else if (y.digits == 2) {
      d.year = y.value <= pivot_yy ? 2000 + y.value : 1900 + y.value;
    } else {
      return false;
    }
    if (groups[1].digits > 2 || (groups.size() == 3 && groups[2].digits > 2)) return false;
    d.month = groups[1].value;
    if (groups.size() == 3) d.day = groups[2].value;
  }
  if (d.year < 1800 || d.year > 2199) return false;
  // A month or day written as 00 is no month or day (1981.00, 19810300), not a year alone.
  if (groups.size() >= 2 || groups[0].digits > 4) {
    if (d.month == 0 || (d.day == 0 && (groups.size() == 3 || groups[0].digits == 8))) return false;
  }
  if (d.month != 0 && (d.month < 1 || d.month > 12)) return false;
  if (d.day != 0 && !isValidDay(d.year, d.month, d.day)) return false;
  *out = d;
  return true;
}

size_t formatIsoDate(const PartialDate& d, char* buf) {
  // By hand: this runs for every date of every record, and snprintf showed in profiles.
  const char digits[10] = {char('0' + d.year / 1000 % 10),
                           char('0' + d.year / 100 % 10),
                           char('0' + d.year / 10 % 10),
                           char('0' + d.year % 10),
                           '-',
                           char('0' + d.month / 10 % 10),
                           char('0' + d.month % 10),
                           '-',
                           char('0' + d.day / 10 % 10),
                           char('0' + d.day % 10)};
  std::copy(digits, digits + 10, buf);
  return d.month == 0 ? 4 : d.day == 0 ? 7 : 10;
}

std::string formatIsoDate(const PartialDate& d) {
  char buf[10];
  return std::string(buf, formatIsoDate(d, buf));
}

bool isIsoDay(std::string_view t) {
  if (t.size() != 10 || t[4] != '-' || t[7] != '-') return false;
  int v[10];
  for (size_t i = 0; i < 10; ++i) {
    if (i == 4 || i == 7) continue;
    if (!isDigit(t[i])) return false;
    v[i] = t[i] - '0';
  }
  int year = v[0] * 1000 + v[1] * 100 + v[2] * 10 + v[3];
  return year >= 1800 && year <= 2199 && isValidDay(year, v[5] * 10 + v[6], v[8] * 10 + v[9]);
}

int comparePartial(const PartialDate& a, const PartialDate& b) {
  const int av[] = {a.year, a.month, a.day}, bv[] = {b.year, b.month, b.day};
  for (int k = 0; k < 3; ++k) {
    if (av[k] == 0 || bv[k] == 0) return 0;
    if (av[k] != bv[k]) return av[k] < bv[k] ? -1 : 1;
  }
  return 0;
}

}  // namespace vetkit
