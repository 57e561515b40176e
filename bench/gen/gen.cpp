// vetgen: deterministic generator of realistic veteran-record spreadsheets (DOMAIN.md).
//
// Every row is generated from its own random stream, derived from (seed, row index), so the same
// seed and options always give byte-identical files, the people do not change when the output
// format changes, and rows can be streamed without keeping earlier ones. Only the 17-digit bodies
// of the ID numbers issued so far are remembered, to guarantee that no two people share an ID
// unless a duplicate is injected on purpose.
#include <xlsxwriter.h>

#include <CLI/CLI.hpp>

#include <iconv.h>
#include <algorithm>
#include <array>
#include <cerrno>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "data.hpp"

namespace vetgen {
namespace {

using namespace std::string_view_literals;
namespace d = data;

// ---------------------------------------------------------------------------------------------
// Randomness. splitmix64 is tiny, fast and fully specified, unlike the std:: distributions whose
// results differ between standard libraries.

uint64_t mix64(uint64_t z) {
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

class Rng {
 public:
  explicit Rng(uint64_t seed) : s_(seed) {}
  Rng(uint64_t seed, uint64_t index, uint64_t stream)
      : s_(mix64(mix64(seed ^ 0x5EED5EED5EEDULL) + mix64(index * 8 + stream))) {}
  uint64_t next() { return mix64(s_ += 0x9E3779B97F4A7C15ULL); }
  // Uniform in [0, n) by multiply-shift: no modulo bias worth caring about for test data.
  uint32_t below(uint32_t n) { return static_cast<uint32_t>(((next() >> 32) * n) >> 32); }
  int between(int lo, int hi) { return lo + static_cast<int>(below(hi - lo + 1)); }
  double unit() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
  bool chance(double p) { return unit() < p; }
  template <class C>
  const auto& pick(const C& c) {
    return c[below(static_cast<uint32_t>(std::size(c)))];
  }
  // Index chosen with the given integer weights.
  template <class C>
  size_t weighted(const C& weights) {
    long total = 0;
    for (auto w : weights) total += w;
    long x = static_cast<long>(below(static_cast<uint32_t>(total)));
    for (size_t i = 0; i < std::size(weights); ++i) {
      x -= weights[i];
      if (x < 0) return i;
    }
    return std::size(weights) - 1;
  }

 private:
  uint64_t s_;
};

// ---------------------------------------------------------------------------------------------
// Dates.

struct Date {
  int y = 0, m = 0, d = 0;
  auto operator<=>(const Date&) const = default;
};

bool leap(int y) {
  return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}
int days_in_month(int y, int m) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && leap(y) ? 29 : kDays[m - 1];
}

// Days since 1970-01-01 (H. Hinnant's algorithm), so dates can be drawn uniformly from a range.
long to_days(Date t) {
  int y = t.y - (t.m <= 2);
  long era = (y >= 0 ? y : y - 399) / 400;
  long yoe = y - era * 400;
  long doy = (153 * (t.m + (t.m > 2 ? -3 : 9)) + 2) / 5 + t.d - 1;
  long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}
Date from_days(long z) {
  z += 719468;
  long era = (z >= 0 ? z : z - 146096) / 146097;
  long doe = z - era * 146097;
  long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  long mp = (5 * doy + 2) / 153;
  int d = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  int m = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  return {static_cast<int>(yoe + era * 400 + (m <= 2)), m, d};
}
Date add_months(Date t, int months) {
  int idx = t.y * 12 + (t.m - 1) + months;
  Date r{idx / 12, idx % 12 + 1, t.d};
  r.d = std::min(r.d, days_in_month(r.y, r.m));
  return r;
}
Date random_date(Rng& r, Date lo, Date hi) {
  long a = to_days(lo), b = to_days(hi);
  return from_days(a + static_cast<long>(r.below(static_cast<uint32_t>(b - a + 1))));
}

constexpr Date kToday{2026, 11, 29};
constexpr Date kCollectFrom{2026, 8, 1};

// ---------------------------------------------------------------------------------------------
// Small string helpers.

// One random character of a string of 3-byte UTF-8 characters (the CJK lists in data.hpp).
std::string_view pick_char(Rng& r, std::string_view chars) {
  return chars.substr(3 * size_t{r.below(static_cast<uint32_t>(chars.size() / 3))}, 3);
}

// Hand-rolled because snprintf was a fifth of the run time at a million rows.
void append_int(std::string& s, long v, int width = 0) {
  char buf[24];
  char* end = buf + sizeof buf;
  char* p = end;
  unsigned long u = v < 0 ? 0UL - static_cast<unsigned long>(v) : static_cast<unsigned long>(v);
  do {
    *--p = static_cast<char>('0' + u % 10);
    u /= 10;
  } while (u);
  while (end - p < width) *--p = '0';
  if (v < 0) *--p = '-';
  s.append(p, static_cast<size_t>(end - p));
}
std::string fmt_int(long v, int width = 0) {
  std::string s;
  append_int(s, v, width);
  return s;
}
std::string replace_braces(std::string_view pattern, std::string_view with) {
  std::string s(pattern);
  if (auto p = s.find("{}"); p != std::string::npos) s.replace(p, 2, with);
  return s;
}

// Digits and X turned into their full-width forms (U+FF10–FF19, U+FF38), as pasted from some
// Chinese input methods.
std::string full_width(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c >= '0' && c <= '9') {
      out += "\xEF\xBC";
      out += static_cast<char>(0x90 + (c - '0'));
    } else if (c == 'X') {
      out += "Ｘ";
    } else {
      out += c;
    }
  }
  return out;
}

template <size_t N>
std::string_view label_of(const std::array<d::Code, N>& table, int code) {
  for (const auto& c : table)
    if (c.code == code) return c.label;
  return {};
}

// ---------------------------------------------------------------------------------------------
// ID numbers (GB 11643-1999).

char id_check_char(std::string_view body17) {
  static constexpr int kWeights[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
  int sum = 0;
  for (int i = 0; i < 17; ++i) sum += (body17[i] - '0') * kWeights[i];
  return "10X98765432"[sum % 11];
}

// Open-addressing set of 17-digit ID bodies: 8 bytes per person, so a million people cost
// about 32 MB, which keeps "streaming" honest while making accidental duplicates impossible.
class IdSet {
 public:
  bool insert(uint64_t key) {
    if ((size_ + 1) * 2 > slots_.size()) grow();
    if (insert_into(slots_, key)) {
      ++size_;
      return true;
    }
    return false;
  }

 private:
  static bool insert_into(std::vector<uint64_t>& slots, uint64_t key) {
    size_t mask = slots.size() - 1;
    for (size_t i = mix64(key) & mask;; i = (i + 1) & mask) {
      if (slots[i] == key) return false;
      if (slots[i] == 0) {
        slots[i] = key;
        return true;
      }
    }
  }
  void grow() {
    std::vector<uint64_t> bigger(std::max<size_t>(1024, slots_.size() * 2), 0);
    for (uint64_t k : slots_)
      if (k) insert_into(bigger, k);
    slots_.swap(bigger);
  }
  std::vector<uint64_t> slots_;
  size_t size_ = 0;
};

// ---------------------------------------------------------------------------------------------
// The people.

struct Unit {
  const d::UnitData* data;
  std::vector<std::string_view> townships;
};

std::vector<Unit> make_units() {
  std::vector<Unit> units;
  for (const auto& u : d::kUnits) {
    Unit unit{&u, {}};
    std::string_view t = u.townships;
    while (!t.empty()) {
      size_t sp = t.find(' ');
      unit.townships.push_back(t.substr(0, sp));
      t = sp == std::string_view::npos ? std::string_view{} : t.substr(sp + 1);
    }
    units.push_back(std::move(unit));
  }
  return units;
}

struct Person {
  int category = 12;
  std::string name;
  int gender = 1;
  int ethnicity = 1;
  Date birth;
  std::string id;  // 18 or 15 characters
  int political = 13;
  std::string phone;
  int hukou_unit = 0;  // index into units
  std::string address;
  int unit = 0;
  bool has_service = false;
  Date enlist, discharge;
  int identity = 0;  // 0: not applicable
  std::string service_unit;
  int placement = 0;
  int employment = 5;
  std::string employer;
  bool has_housing = false;
  int housing_nature = 0;
  double housing_area = 0;
  unsigned benefits = 0;  // bit per benefit code
  int grade = 0, disability_nature = 0;
  unsigned insurance = 0;  // bit per insurance code
  bool dibao = false, subsidy = false;
  std::string related_name;
  int relation = 0;
  std::string appeals;
  bool plaque = false;
  Date collected;
  std::string collector;
  int mode = 2;
};

bool is_family(int category) {
  return category >= 21 && category <= 24;
}

// What an injected mistake needs from the person it is injected into.
struct Needs {
  int category = 0;  // force this category
  bool service = false;
  bool family = false;
  bool housing = false;
  bool id18 = false;
};

class PersonMaker {
 public:
  PersonMaker(const std::vector<Unit>& units, bool quirks) : units_(units), quirks_(quirks) {
    // A fixed pool of collectors per unit, the same for every seed: these are the county staff.
    Rng r(20261129);
    for (auto& pool : collectors_)
      for (auto& c : pool) c = chinese_name(r, r.chance(0.6) ? 1 : 2);
  }

  Person make(Rng& r, int unit, std::string_view township, const Needs& needs) {
    Person p;
    p.unit = unit;
    const auto& u = *units_[unit].data;
    p.hukou_unit = u.hukou;
    // A few people are registered in another Loudi county than the one collecting them.
    if (r.chance(0.03)) p.hukou_unit = r.between(0, 4);
    // The zones' townships belong to 娄星区, so their people live there.
    if (p.hukou_unit != u.hukou)
      township = r.pick(units_[p.hukou_unit].townships);
    else if (township.empty())
      township = r.pick(units_[unit].townships);

    p.category =
        needs.category ? needs.category : d::kCategories[r.weighted(d::kCategoryWeights)].code;
    if (needs.family && !is_family(p.category)) p.category = r.pick(std::array{21, 22, 23, 24});
    // Date-order mistakes swap the service dates; only 11/12 have no era rule that the swap
    // would break as well.
    if (needs.service && p.category != 11 && p.category != 12) p.category = 12;

    p.collected = random_date(r, kCollectFrom, kToday);
    make_life(r, p);

    p.gender = gender_for(r, p.category);
    p.ethnicity = ethnicity(r);
    p.name = p.ethnicity == 5
                 ? std::string(p.gender == 1 ? r.pick(d::kUyghurMale) : r.pick(d::kUyghurFemale))
                 : chinese_name(r, p.gender);
    make_id(r, p, needs.id18);
    p.political = political(r, p);
    p.phone = phone(r);
    p.address = address(r, p.hukou_unit, township);
    make_work(r, p, township);
    make_housing(r, p, needs.housing);
    make_benefits(r, p);
    make_insurance(r, p, township);
    if (is_family(p.category)) make_relation(r, p);

    p.dibao = r.chance(0.05);
    p.subsidy = r.chance(p.grade ? 0.3 : 0.02);
    do p.appeals = r.chance(0.35) ? "" : std::string(r.pick(d::kAppeals));
    while (!quirks_ && p.appeals.find_first_of("\n\",") != std::string::npos);
    p.plaque = r.chance(p.category == 31 || p.category == 17 || p.category == 18 ? 0.5 : 0.88);
    p.collector = collectors_[unit][r.below(kCollectorsPerUnit)];
    int age = kToday.y - p.birth.y;
    if (age >= 85 || (p.grade && p.grade <= 4))
      p.mode = r.chance(0.8) ? 4 : 2;
    else
      p.mode = static_cast<int>(d::kCollectionModes[r.weighted(std::array{30, 50, 12, 8})].code);
    return p;
  }

 private:
  static std::string chinese_name(Rng& r, int gender) {
    // Favour the first surnames: a rough Zipf law is closer to real rolls than uniform.
    size_t n = d::kSurnames.size();
    size_t i = static_cast<size_t>(r.unit() * r.unit() * static_cast<double>(n));
    std::string name(d::kSurnames[std::min(i, n - 1)]);
    std::string_view chars = gender == 1 ? d::kMaleChars : d::kFemaleChars;
    int len = r.chance(0.8) ? 2 : 1;
    for (int k = 0; k < len; ++k) name += pick_char(r, chars);
    return name;
  }

  static int gender_for(Rng& r, int category) {
    double female = 0.03;
    if (category == 11) female = 0.05;
    if (category == 21 || category == 22 || category == 23) female = 0.6;
    if (category == 24) female = 0.55;
    if (category == 31 || (category >= 13 && category <= 18)) female = 0.08;
    return r.chance(female) ? 2 : 1;
  }

  static int ethnicity(Rng& r) {
    static constexpr std::array kCodes{1, 6, 15, 13, 12, 3, 5, 2, 11};
    static constexpr std::array kWeights{9680, 80, 70, 50, 30, 30, 20, 10, 10};
    return kCodes[r.weighted(kWeights)];
  }

  // Birth, service and retirement dates by category, within the era rules of DOMAIN.md §4.
  // Margins of two months keep every order check true even when a date is written with its
  // month only (1978.03).
  void make_life(Rng& r, Person& p) {
    const Date latest_discharge = add_months(p.collected, -2);
    switch (p.category) {
      case 11:
      case 12:
        // Redraw until discharged before collection; after many tries fall back to people born
        // in the 1970s, who always are.
        for (int attempt = 0;; ++attempt) {
          veteran_dates(r, p, attempt >= 40);
          if (p.discharge <= latest_discharge) break;
        }
        break;
      case 13:
      case 14:
      case 15:
        // Born early enough to have enlisted at 17 before 1937.
        p.birth = random_date(r, {1912, 1, 1}, {1918, 12, 31});
        p.has_service = true;
        if (p.category == 14) {
          p.enlist = random_date(r, {1936, 1, 1}, {1936, 9, 30});
          p.enlist = std::max(p.enlist, add_months(p.birth, 12 * 17 + 2));
          p.discharge = random_date(r, {1937, 3, 1}, {1937, 12, 31});
        } else {
          p.enlist = random_date(r, {1930, 1, 1}, {1936, 6, 30});
          p.enlist = std::max(p.enlist, add_months(p.birth, 12 * 17 + 2));
          p.discharge = p.category == 15 ? add_months(p.enlist, r.between(6, 18))
                                         : random_date(r, {1946, 1, 1}, {1955, 12, 31});
        }
        p.service_unit =
            p.category == 14
                ? "西路军红" + std::string(r.pick(std::array{"五", "九", "三十"})) + "军"
                : "红" + std::string(r.pick(std::array{"一", "二", "四", "六"})) + "军团";
        break;
      case 16:
        p.birth = random_date(r, {1925, 1, 1}, {1936, 6, 30});
        p.has_service = true;
        p.enlist = random_date(r, add_months(p.birth, 12 * 17 + 2), {1954, 10, 31});
        p.discharge = add_months(p.enlist, r.between(24, 60));
        p.discharge = std::max(p.discharge, Date{1952, 1, 1});
        p.identity = r.chance(0.7) ? 3 : 0;
        p.service_unit = r.chance(0.5) ? "中国人民志愿军第" + fmt_int(r.between(12, 68)) + "军"
                                       : fmt_int(r.between(30000, 89999)) + "部队";
        break;
      case 17:  // 参加工作时间 before 1949-10-01 is what makes a 离休 cadre
        p.birth = random_date(r, {1921, 1, 1}, {1931, 6, 30});
        p.has_service = true;
        p.enlist = random_date(r, add_months(p.birth, 12 * 17 + 2), {1949, 9, 30});
        p.discharge = add_months(p.birth, 12 * r.between(60, 65));
        break;
      case 18:
        p.birth = random_date(r, {1930, 1, 1}, {1955, 12, 31});
        p.has_service = true;
        p.enlist = add_months(p.birth, 12 * r.between(17, 25) + r.between(2, 11));
        p.discharge = add_months(p.birth, 12 * r.between(55, 60));
        break;
      case 21:
        p.birth = random_date(r, {1930, 1, 1}, {1978, 12, 31});
        break;
      case 22:
      case 23:
        p.birth = random_date(r, {1935, 1, 1}, {1995, 12, 31});
        break;
      case 24:
        p.birth = random_date(r, {1950, 1, 1}, {2006, 12, 31});
        break;
      case 31:
        p.birth = random_date(r, {1935, 1, 1}, {1978, 12, 31});
        break;
    }
  }

  // Enlistment followed the conscription calendar: winter until 2012, autumn from 2013, spring
  // and autumn from 2020; conscripts served 3–4 years until 1998 and 2 years since.
  static void veteran_dates(Rng& r, Person& p, bool safe) {
    bool officer = p.category == 11;
    static constexpr std::array kFrom{1940, 1955, 1970, 1985, 2000};
    static constexpr std::array kWeights{8, 25, 30, 30, 7};
    size_t band = safe ? 2 : r.weighted(kWeights);
    int by = kFrom[band] + r.between(0, band == 4 ? 6 : 14);
    if (officer) by = std::clamp(by, 1938, 1985);
    p.birth = random_date(r, {by, 1, 1}, {by, 12, 31});
    p.has_service = true;
    int ey = by + r.between(17, officer ? 22 : 21);
    int em = ey <= 2012 ? 12 : (ey >= 2020 && r.chance(0.5) ? 3 : 9);
    p.enlist = {ey, em, r.between(1, 28)};
    if (p.enlist < add_months(p.birth, 12 * 17 + 2)) p.enlist = add_months(p.birth, 12 * 17 + 3);
    int years;
    if (officer) {
      p.identity = 1;
      years = r.between(8, 30);
    } else if (r.chance(0.4)) {
      p.identity = 2;
      years = r.between(3, 16);
    } else {
      p.identity = 3;
      years = ey < 1999 ? r.between(3, 4) : 2;
    }
    p.discharge = add_months(p.enlist, 12 * years + r.between(-1, 1));
    p.discharge.d = r.between(1, 28);
    if (p.discharge <= add_months(p.enlist, 6)) p.discharge = add_months(p.enlist, 7);
    if (officer) {
      p.placement = p.discharge.y >= 2001
                        ? static_cast<int>(std::array{2, 1, 9}[r.weighted(std::array{50, 40, 10})])
                        : (r.chance(0.85) ? 1 : 9);
    } else if (p.discharge.y >= 2011) {
      p.placement = std::array{3, 1, 9}[r.weighted(std::array{80, 15, 5})];
    } else {
      p.placement = std::array{4, 1, 9}[r.weighted(std::array{45, 40, 15})];
    }
    p.service_unit = r.chance(0.15) ? "武警" + std::string(r.pick(d::kProvinces)) + "总队"
                                    : fmt_int(r.between(31000, 96999)) + "部队";
  }

  void make_id(Rng& r, Person& p, bool force18) {
    const auto& hu = *units_[p.hukou_unit].data;
    // IDs keep the address code of the place and time of first issue: people old enough to have
    // had one before the 1999 reorganisation mostly still carry a 娄底地区 code.
    std::string_view code = hu.code;
    bool old = p.birth.y < 1983;
    if (old && r.chance(0.65)) code = hu.historical;
    if (r.chance(p.category == 11 ? 0.2 : 0.04)) code = r.pick(d::kOtherIdCodes);
    bool fifteen = !force18 && p.birth.y < 1950 && code == hu.historical && r.chance(0.25);
    int seq = p.gender == 1 ? 2 * r.between(0, 498) + 1 : 2 * r.between(1, 499);
    for (;;) {
      std::string body(code);
      append_int(body, p.birth.y, 4);
      append_int(body, p.birth.m, 2);
      append_int(body, p.birth.d, 2);
      append_int(body, seq, 3);
      if (ids_.insert(std::stoull(body))) {
        if (fifteen) {
          p.id = body.substr(0, 6) + body.substr(8);
        } else {
          p.id = body + id_check_char(body);
        }
        return;
      }
      seq = seq + 2 > 999 ? (p.gender == 1 ? 1 : 2) : seq + 2;
    }
  }

  static int political(Rng& r, const Person& p) {
    int age = kToday.y - p.birth.y;
    double party = p.category == 11 ? 0.85 : (p.category == 12 ? 0.3 : 0.12);
    if (r.chance(party)) return r.chance(0.97) ? 1 : 2;
    if (age < 30 && r.chance(0.35)) return 3;
    if (r.chance(0.01)) return r.between(4, 12);
    return 13;
  }

  static std::string phone(Rng& r) {
    std::string s;
    if (r.chance(0.92)) {
      static constexpr std::array<std::string_view, 16> kPrefixes{
          "130", "131", "133", "135", "136", "137", "138", "139",
          "150", "151", "152", "158", "173", "177", "180", "189"};
      s = r.pick(kPrefixes);
      append_int(s, r.between(0, 99999999), 8);
    } else {
      s = "0738-8";
      append_int(s, r.between(0, 999999), 6);
    }
    return s;
  }

  static std::string address(Rng& r, int hukou_unit, std::string_view township) {
    std::string a(d::kUnits[hukou_unit].name);
    a += township;
    if (township.ends_with("街道")) {
      a += r.pick(d::kRoads);
      append_int(a, r.between(1, 399));
      a += "号";
      if (r.chance(0.5)) {
        append_int(a, r.between(1, 12));
        a += "栋";
        append_int(a, r.between(1, 18) * 100 + r.between(1, 4));
        a += "室";
      }
    } else {
      a += pick_char(r, d::kVillageA);
      a += pick_char(r, d::kVillageB);
      a += "村";
      append_int(a, r.between(1, 24));
      a += "组";
    }
    return a;
  }

  void make_work(Rng& r, Person& p, std::string_view township) {
    int age = kToday.y - p.birth.y;
    if (age >= 60) {
      p.employment = std::array{7, 8, 5}[r.weighted(std::array{40, 45, 15})];
    } else if (p.category == 11) {
      p.employment = std::array{1, 2, 4, 5}[r.weighted(std::array{50, 30, 10, 10})];
    } else if (age < 20) {
      p.employment = 5;
    } else {
      p.employment =
          std::array{1, 2, 3, 4, 5, 6, 8}[r.weighted(std::array{10, 35, 5, 15, 8, 2, 25})];
    }
    const auto& hu = *units_[p.hukou_unit].data;
    if (p.employment >= 1 && p.employment <= 3) {
      std::string_view pattern = p.employment == 1   ? r.pick(d::kAgencies)
                                 : p.employment == 2 ? r.pick(d::kCompanies)
                                                     : r.pick(d::kPublicPosts);
      std::string_view place = p.employment == 3 || r.chance(0.4) ? township : hu.name;
      p.employer = replace_braces(pattern, place);
    } else if (p.employment == 4 && r.chance(0.6)) {
      p.employer = replace_braces(r.pick(d::kSelfEmployed), std::string(township));
    }
  }

  static void make_housing(Rng& r, Person& p, bool force) {
    p.has_housing = force || r.chance(0.92);
    if (!p.has_housing) return;
    p.housing_nature = std::array{1, 2, 3, 4, 9}[r.weighted(std::array{80, 8, 5, 5, 2})];
    double area = p.housing_nature == 1 ? r.between(60, 260) : r.between(25, 95);
    if (r.chance(0.2)) area += 0.5;
    p.housing_area = area;
  }

  static void make_benefits(Rng& r, Person& p) {
    auto add = [&](int code) { p.benefits |= 1u << code; };
    auto disabled = [&](int lo) {
      add(1);
      p.grade = r.between(lo, 10);
      p.disability_nature = r.between(1, 3);
    };
    int age = kToday.y - p.birth.y;
    switch (p.category) {
      case 11:
      case 12:
        if (r.chance(0.03)) disabled(4);
        if (p.enlist.y >= 1975 && p.enlist.y <= 1989 && r.chance(0.15)) add(6);
        if (p.category == 12 && age >= 60 && r.chance(0.25)) add(7);
        if (p.category == 12 && r.chance(0.01)) add(5);
        break;
      case 13:
      case 14:
      case 15:
        add(3);
        break;
      case 16:
        add(4);
        if (r.chance(0.05)) disabled(5);
        break;
      case 21:
      case 22:
      case 23:
        if (r.chance(0.8)) add(2);
        if (r.chance(0.1)) add(3);
        break;
      case 31:
        disabled(1);
        p.disability_nature = r.chance(0.3) ? 1 : 2;
        break;
      default:
        break;
    }
  }

  static void make_insurance(Rng& r, Person& p, std::string_view township) {
    bool rural = p.employment == 8 || (!township.ends_with("街道") && r.chance(0.6));
    bool employee = p.employment <= 3 || (p.employment == 7 && r.chance(0.7));
    unsigned medical = rural && !employee ? 2 : 1;
    unsigned pension = employee ? 3 : (rural ? 5 : 4);
    if (r.chance(0.98)) p.insurance |= 1u << medical;
    if (r.chance(0.88)) p.insurance |= 1u << pension;
  }

  void make_relation(Rng& r, Person& p) {
    int age = kToday.y - p.birth.y;
    // Relations that fit the person's age and gender.
    if (p.category == 24) {
      if (age >= 40)
        p.relation = p.gender == 1 ? 2 : 3;
      else
        p.relation = p.gender == 2 && age >= 20 && r.chance(0.6) ? 1 : 5;
    } else {
      p.relation = std::array{1, 4, 5, 2, 3}[r.weighted(std::array{30, 40, 15, 8, 7})];
      if (p.relation == 2 || p.relation == 3) p.relation = p.gender == 1 ? 2 : 3;
      if (p.relation == 1 && p.gender == 1) p.relation = 4;
    }
    // Children and siblings share the soldier's surname; spouses and mothers do not.
    std::string soldier = chinese_name(r, 1);
    if (p.relation != 1 && p.relation != 3 && p.ethnicity != 5) {
      size_t surname = p.name.starts_with("欧阳") || p.name.starts_with("司马") ? 6 : 3;
      size_t ssurname = soldier.starts_with("欧阳") || soldier.starts_with("司马") ? 6 : 3;
      soldier = p.name.substr(0, surname) + soldier.substr(ssurname);
    }
    p.related_name = soldier;
  }

  static constexpr size_t kCollectorsPerUnit = 6;
  const std::vector<Unit>& units_;
  bool quirks_;
  std::array<std::array<std::string, kCollectorsPerUnit>, d::kUnits.size()> collectors_;
  IdSet ids_;
};

// ---------------------------------------------------------------------------------------------
// Columns and cells.

enum Col {
  kSeq,
  kCategory,
  kName,
  kGender,
  kEthnicity,
  kBirth,
  kId,
  kPolitical,
  kPhone,
  kHukou,
  kAddress,
  kUnit,
  kEnlist,
  kDischarge,
  kIdentity,
  kServiceUnit,
  kPlacement,
  kEmployment,
  kEmployer,
  kHasHousing,
  kHousingNature,
  kHousingArea,
  kBenefits,
  kGrade,
  kDisabilityNature,
  kInsurance,
  kDibao,
  kSubsidy,
  kRelatedName,
  kRelation,
  kAppeals,
  kPlaque,
  kCollected,
  kCollector,
  kMode,
  kRemark,
  kColumns
};

struct Column {
  std::string_view header;
  std::string_view alternate;  // another label seen in real sheets (DOMAIN.md §3)
  std::string_view field;
  double width;
};

constexpr std::array<Column, kColumns> kCols{{
    {"序号", "", "", 6},
    {"对象类别", "人员类别", "category", 12},
    {"姓名", "", "name", 10},
    {"性别", "", "gender", 5},
    {"民族", "", "ethnicity", 7},
    {"出生日期", "出生年月", "birth_date", 12},
    {"公民身份号码", "身份证号码", "id_number", 21},
    {"政治面貌", "", "political_status", 10},
    {"联系电话", "手机号码", "phone", 14},
    {"户籍地", "户籍所在地", "hukou_division", 9},
    {"户籍地址", "家庭住址", "hukou_address", 30},
    {"采集单位", "所属区县", "unit", 12},
    {"入伍时间", "参加工作时间", "enlist_date", 12},
    {"退伍时间", "退役时间", "discharge_date", 12},
    {"服役期间身份", "", "service_identity", 8},
    {"服役部队", "", "service_unit", 16},
    {"退役安置方式", "安置方式", "placement", 10},
    {"现就业状态", "就业状态", "employment_status", 10},
    {"工作单位", "工作单位名称", "employer", 24},
    {"有无住房", "", "has_housing", 6},
    {"住房性质", "", "housing_nature", 10},
    {"住房面积", "面积（平方米）", "housing_area", 8},
    {"享受国家抚恤和补助", "抚恤补助类别", "benefit_types", 20},
    {"伤残等级", "", "disability_grade", 6},
    {"伤残性质", "", "disability_nature", 6},
    {"社会保险", "参保情况", "insurance", 22},
    {"低保", "", "dibao", 5},
    {"残疾人两项补贴", "", "disability_subsidy", 6},
    {"关联军人姓名", "军人姓名", "related_name", 10},
    {"与军人关系", "", "relation", 8},
    {"主要诉求", "", "appeals", 24},
    {"是否悬挂光荣牌", "", "plaque_hung", 6},
    {"采集日期", "", "collected_at", 12},
    {"采集人", "", "collector", 8},
    {"采集方式", "", "collection_mode", 8},
    {"备注", "", "", 16},  // an extra column nobody asked for (quirk, xlsx only)
}};

std::string column_letter(int col) {
  std::string s;
  for (int c = col + 1; c > 0; c = (c - 1) / 26)
    s.insert(s.begin(), static_cast<char>('A' + (c - 1) % 26));
  return s;
}

enum class Format { kCsv, kGbk, kXlsx };

struct Cell {
  enum Kind { kText, kNumber, kDate } kind = kText;
  std::string text;  // what a CSV holds; also the fallback for xlsx
  double number = 0;
  Date date;
};
using Row = std::array<Cell, kColumns>;

// Per-sheet layout and habits of the operator who typed it.
struct SheetStyle {
  int header_row = 1;     // 1-based row of the header
  bool note_row = false;  // "填报单位：…" under the title
  bool alternate_headers = false;
  std::array<bool, kColumns> real_dates{};  // xlsx: date columns stored as Excel dates
  bool chinese_date_format = false;
  bool remark_column = false;
};

class Renderer {
 public:
  Renderer(Format format, bool quirks) : format_(format), quirks_(quirks) {}

  void render(Rng& r, const Person& p, long seq, const SheetStyle& style, Row& row) const {
    for (auto& c : row) {
      c.kind = Cell::kText;
      c.text.clear();
    }
    set_number(row[kSeq], static_cast<double>(seq));
    row[kCategory].text = code(r, d::kCategories, p.category, 0.1);
    row[kName].text = p.name;
    row[kGender].text = code(r, d::kGenders, p.gender, 0.05);
    if (quirks_ && p.ethnicity == 1 && r.chance(0.3))
      row[kEthnicity].text = "汉";
    else
      row[kEthnicity].text = code(r, d::kEthnicities, p.ethnicity, 0.03, 2);
    date(r, row[kBirth], p.birth, style.real_dates[kBirth], 0.04);
    row[kId].text = id_text(r, p.id);
    row[kPolitical].text = code(r, d::kPolitical, p.political, 0.05, 2);
    row[kPhone].text = p.phone;
    if (quirks_) {
      if (r.chance(0.03)) row[kPhone].text = full_width(p.phone);
      if (format_ == Format::kXlsx && p.phone[0] == '1' && r.chance(0.2)) {
        // Typed into a General cell, a mobile number becomes a number.
        row[kPhone].kind = Cell::kNumber;
        row[kPhone].number = std::stod(p.phone);
      }
    }
    const auto& hu = d::kUnits[p.hukou_unit];
    row[kHukou].text = quirks_ && r.chance(0.3) ? hu.code : hu.name;
    row[kAddress].text = p.address;
    const auto& u = d::kUnits[p.unit];
    row[kUnit].text = quirks_ && u.code[0] == '4' && r.chance(0.1) ? u.code : u.name;
    if (p.has_service) {
      date(r, row[kEnlist], p.enlist, style.real_dates[kEnlist], 0.5);
      date(r, row[kDischarge], p.discharge, style.real_dates[kDischarge], 0.5);
    }
    if (p.identity) row[kIdentity].text = code(r, d::kIdentities, p.identity, 0.1);
    row[kServiceUnit].text = p.service_unit;
    if (p.placement) row[kPlacement].text = code(r, d::kPlacements, p.placement, 0.1);
    row[kEmployment].text = code(r, d::kEmployment, p.employment, 0.1);
    row[kEmployer].text = p.employer;
    row[kHasHousing].text = yes_no(r, p.has_housing, true, false);
    if (p.housing_nature)
      row[kHousingNature].text = code(r, d::kHousingNature, p.housing_nature, 0.1);
    if (p.has_housing) set_number(row[kHousingArea], p.housing_area);
    row[kBenefits].text = set(r, d::kBenefits, p.benefits);
    if (p.grade) {
      // The label is 六级; operators also type 6级 or just 6.
      static constexpr std::array<std::string_view, 10> kGrades{
          "一级", "二级", "三级", "四级", "五级", "六级", "七级", "八级", "九级", "十级"};
      double x = quirks_ ? r.unit() : 0;
      if (x < 0.5)
        row[kGrade].text = kGrades[p.grade - 1];
      else if (x < 0.75)
        row[kGrade].text = fmt_int(p.grade) + "级";
      else
        set_number(row[kGrade], p.grade);
    }
    if (p.disability_nature)
      row[kDisabilityNature].text = code(r, d::kDisabilityNature, p.disability_nature, 0.1);
    row[kInsurance].text = set(r, d::kInsurance, p.insurance);
    row[kDibao].text = yes_no(r, p.dibao, false, true);
    row[kSubsidy].text = yes_no(r, p.subsidy, false, true);
    row[kRelatedName].text = p.related_name;
    if (p.relation) row[kRelation].text = code(r, d::kRelations, p.relation, 0.1);
    row[kAppeals].text = p.appeals;
    row[kPlaque].text = yes_no(r, p.plaque, false, false);
    date(r, row[kCollected], p.collected, style.real_dates[kCollected], 0);
    row[kCollector].text = p.collector;
    row[kMode].text = code(r, d::kCollectionModes, p.mode, 0.1);
    if (style.remark_column && r.chance(0.1)) row[kRemark].text = r.pick(d::kNotes);

    if (quirks_) {
      // Trailing spaces, as left by copy and paste, in a few text cells.
      for (int c : {kName, kId, kPhone, kAddress, kEmployer, kServiceUnit})
        if (row[c].kind == Cell::kText && !row[c].text.empty() && r.chance(0.015))
          row[c].text += r.chance(0.7) ? " " : "  ";
    }
  }

  // How a date looks; `month_only` is the share of year-month forms for that column.
  void date(Rng& r, Cell& c, Date t, bool real, double month_only) const {
    c.date = t;
    if (format_ == Format::kXlsx && real) c.kind = Cell::kDate;
    c.text.clear();
    int form = 0;
    if (quirks_) {
      if (r.chance(month_only)) {
        form = r.chance(0.5) ? 1 : 2;
      } else {
        // Excel saves a real date cell as 1978/3/5, so that form dominates the GBK files.
        form = format_ == Format::kGbk && r.chance(0.5)
                   ? 6
                   : std::array{0, 3, 4, 5, 6, 7}[r.weighted(std::array{50, 12, 10, 10, 8, 10})];
      }
    }
    auto& s = c.text;
    switch (form) {
      case 0:  // 1978-03-05
      case 3:  // 1978-3-5
      case 5:  // 1978/03/05
      case 6:  // 1978/3/5
      {
        char sep = form >= 5 ? '/' : '-';
        int w = form == 0 || form == 5 ? 2 : 0;
        append_int(s, t.y, 4);
        s += sep;
        append_int(s, t.m, w);
        s += sep;
        append_int(s, t.d, w);
        break;
      }
      case 1:  // 1978.03
        append_int(s, t.y, 4);
        s += '.';
        append_int(s, t.m, 2);
        break;
      case 2:  // 1978年3月
        append_int(s, t.y, 4);
        s += "年";
        append_int(s, t.m);
        s += "月";
        break;
      case 4:  // 19780305
        append_int(s, t.y, 4);
        append_int(s, t.m, 2);
        append_int(s, t.d, 2);
        break;
      case 7:  // 1978年3月5日
        append_int(s, t.y, 4);
        s += "年";
        append_int(s, t.m);
        s += "月";
        append_int(s, t.d);
        s += "日";
        break;
    }
  }

 private:
  static void set_number(Cell& c, double v) {
    c.kind = Cell::kNumber;
    c.number = v;
    c.text.clear();
    // Only integers and halves occur (areas like 85.5), so no printf is needed.
    double whole = std::trunc(v);
    append_int(c.text, static_cast<long>(whole));
    if (v != whole) c.text += ".5";
  }

  // A code cell: normally the label, sometimes (quirk) the code itself.
  template <size_t N>
  std::string code(Rng& r, const std::array<d::Code, N>& table, int value, double as_code,
                   int width = 0) const {
    if (quirks_ && r.chance(as_code)) return fmt_int(value, width);
    return std::string(label_of(table, value));
  }

  std::string yes_no(Rng& r, bool v, bool have_form, bool tick_form) const {
    if (!quirks_) return v ? "是" : "否";
    double x = r.unit();
    if (have_form && x < 0.5) return v ? "有" : "无";
    if (tick_form && x < 0.15) return v ? "√" : "";
    return v ? "是" : "否";
  }

  template <size_t N>
  std::string set(Rng& r, const std::array<d::Code, N>& table, unsigned bits) const {
    static constexpr std::array<std::string_view, 6> kSeps{"、", "，", ",", ";", " ", "；"};
    std::string_view sep = "、";
    bool codes = false;
    if (quirks_) {
      sep = r.chance(0.5) ? "、"sv : r.pick(kSeps);
      codes = r.chance(0.15);
    }
    std::string s;
    for (const auto& c : table) {
      if (!(bits & (1u << c.code))) continue;
      if (!s.empty()) s += sep;
      if (codes)
        append_int(s, c.code);
      else
        s += c.label;
    }
    return s;
  }

  std::string id_text(Rng& r, const std::string& id) const {
    if (!quirks_ || id.empty()) return id;
    std::string s = id;
    if (s.back() == 'X' && r.chance(0.4)) s.back() = 'x';
    if (r.chance(0.02)) s = full_width(s);
    return s;
  }

  Format format_;
  bool quirks_;
};

// ---------------------------------------------------------------------------------------------
// Mistakes (DOMAIN.md §4 violated on purpose, one per row, recorded in --truth).

enum class Mistake {
  kNone,
  kIdChecksum,
  kIdFormat,
  kIdBirth,
  kIdGender,
  kBadDate,
  kDateOrder,
  kUnknownCode,
  kMissingName,
  kMissingId,
  kMissingRelated,
  kPhone,
  kCategoryEra,
  kDuplicate,
  kOutOfRange
};

struct MistakeInfo {
  Mistake kind;
  std::string_view code;
  int weight;
};
constexpr std::array<MistakeInfo, 14> kMistakes{{
    {Mistake::kIdChecksum, "id-checksum", 10},
    {Mistake::kIdFormat, "id-format", 8},
    {Mistake::kIdBirth, "id-birth-mismatch", 10},
    {Mistake::kIdGender, "id-gender-mismatch", 8},
    {Mistake::kBadDate, "bad-date", 8},
    {Mistake::kDateOrder, "date-order", 8},
    {Mistake::kUnknownCode, "unknown-code", 8},
    {Mistake::kMissingName, "missing-value", 5},
    {Mistake::kMissingId, "missing-value", 3},
    {Mistake::kMissingRelated, "missing-value", 5},
    {Mistake::kPhone, "phone-format", 8},
    {Mistake::kCategoryEra, "category-era", 5},
    {Mistake::kDuplicate, "duplicate-id", 8},
    {Mistake::kOutOfRange, "out-of-range", 6},
}};

Needs needs_of(Mistake m) {
  Needs n;
  switch (m) {
    case Mistake::kIdChecksum:
    case Mistake::kIdFormat:
      n.id18 = true;
      break;
    case Mistake::kDateOrder:
      n.service = true;
      break;
    case Mistake::kMissingRelated:
      n.family = true;
      break;
    case Mistake::kCategoryEra:
      n.category = 16;
      break;
    case Mistake::kOutOfRange:
      n.housing = true;
      break;
    default:
      break;
  }
  return n;
}

// Changes made to the person before rendering; returns the column the mistake is in.
int mistake_in_person(Rng& r, Mistake m, Person& p) {
  switch (m) {
    case Mistake::kIdChecksum: {
      char good = p.id.back();
      std::string_view all = "0123456789X";
      char bad;
      do bad = all[r.below(11)];
      while (bad == good);
      p.id.back() = bad;
      return kId;
    }
    case Mistake::kIdBirth:
      // Earlier by whole months, so the difference shows even at month precision and no age
      // rule starts failing as well.
      p.birth = add_months(p.birth, -r.between(1, 30));
      return kBirth;
    case Mistake::kIdGender:
      p.gender = 3 - p.gender;
      return kGender;
    case Mistake::kDateOrder:
      std::swap(p.enlist, p.discharge);
      // Keep the placement legal for either discharge year, so this is the only finding.
      if (p.placement == 3 || p.placement == 4) p.placement = 1;
      return kDischarge;
    case Mistake::kMissingName:
      p.name.clear();
      return kName;
    case Mistake::kMissingId:
      p.id.clear();
      return kId;
    case Mistake::kMissingRelated:
      p.related_name.clear();
      return kRelatedName;
    case Mistake::kPhone: {
      // Built from a mobile number: a landline with one digit more is still a valid landline.
      std::string mobile = p.phone[0] == '1' ? p.phone : "139" + fmt_int(r.between(0, 99999999), 8);
      switch (r.below(4)) {
        case 0:
          p.phone = mobile.substr(0, 10);
          break;  // a digit short
        case 1:
          p.phone = mobile + fmt_int(r.between(0, 9));
          break;  // a digit long
        case 2:
          p.phone = "12" + mobile.substr(2);
          break;  // no such prefix
        default:
          p.phone = mobile.substr(0, 6) + "o" + mobile.substr(7);
          break;  // letter o for 0
      }
      return kPhone;
    }
    case Mistake::kCategoryEra:
      p.enlist = random_date(r, {1958, 1, 1}, {1965, 12, 31});
      p.discharge = add_months(p.enlist, r.between(36, 60));
      return kEnlist;
    case Mistake::kOutOfRange:
      p.housing_area = std::array{-5.0, -80.0, 12000.0, 99999.0}[r.below(4)];
      return kHousingArea;
    default:
      return -1;
  }
}

// Changes made to the rendered cells; returns the column, or -1 when not a cell-level mistake.
int mistake_in_cells(Rng& r, Mistake m, const Person& p, Format format, Row& row) {
  switch (m) {
    case Mistake::kIdFormat: {
      // What Excel shows, and saves as CSV, after it took the ID for a number.
      double v = std::stod(p.id.substr(0, 17)) * 10 + (p.id[17] == 'X' ? 0 : p.id[17] - '0');
      char buf[32];
      std::snprintf(buf, sizeof buf, "%.5E", v);
      std::string s = buf;  // 4.31321E+17
      size_t e = s.find('E');
      size_t last = s.find_last_not_of('0', e - 1);
      if (s[last] == '.') --last;
      s = s.substr(0, last + 1) + s.substr(e);
      auto& c = row[kId];
      c.text = s;
      if (format == Format::kXlsx) {
        c.kind = Cell::kNumber;
        c.number = v;
      }
      return kId;
    }
    case Mistake::kBadDate: {
      int col = p.has_service ? (r.chance(0.5) ? kEnlist : kDischarge) : kCollected;
      int y = col == kEnlist ? p.enlist.y : col == kDischarge ? p.discharge.y : p.collected.y;
      std::string bad = fmt_int(y, 4);
      if (!leap(y) && r.chance(0.3))
        bad += "-02-29";
      else
        bad += r.pick(std::array{"-02-30"sv, "-04-31"sv, "-06-31"sv, "-09-31"sv, "-11-31"sv});
      row[col].kind = Cell::kText;
      row[col].text = bad;
      return col;
    }
    case Mistake::kUnknownCode:
      if (r.chance(0.6)) {
        row[kEthnicity].text = r.pick(std::array{"火星族"sv, "精灵族"sv, "龙族"sv});
        return kEthnicity;
      }
      row[kPolitical].text = r.pick(std::array{"太空党员"sv, "火星党"sv});
      return kPolitical;
    default:
      return -1;
  }
}

// ---------------------------------------------------------------------------------------------
// Output.

struct SheetPlan {
  std::string name;  // empty for CSV
  int unit = -1;     // -1: each person's unit is drawn
  std::string_view township;
  long rows = 0;
  SheetStyle style;
};

class Sink {
 public:
  virtual ~Sink() = default;
  virtual void begin_sheet(const SheetPlan& sheet) = 0;
  // Writes one data row and returns its 1-based spreadsheet row number.
  virtual long write(const Row& row) = 0;
  virtual void blank() = 0;
  virtual void finish() = 0;
};

// A regular file is written as PATH.tmp and renamed on success, so a failed run never leaves a
// half-written file; "-" is stdout, and devices or pipes (/dev/stdout) are written in place.
bool write_in_place(const std::string& path) {
  // Only a plain regular file (or a new one) may be replaced by rename: renaming over a symlink
  // such as /dev/stderr would replace the link itself.
  std::error_code ec;
  auto st = std::filesystem::symlink_status(path, ec);
  return std::filesystem::exists(st) && !std::filesystem::is_regular_file(st);
}

class OutFile {
 public:
  explicit OutFile(const std::string& path) : path_(path) {
    if (path_.empty() || path_ == "-") {
      f_ = stdout;
      return;
    }
    if (!write_in_place(path_)) tmp_ = path_ + ".tmp";
    f_ = std::fopen((tmp_.empty() ? path_ : tmp_).c_str(), "wb");
    if (!f_) throw std::runtime_error("cannot write " + path_ + ": " + std::strerror(errno));
  }
  ~OutFile() {
    if (f_ && f_ != stdout) {
      std::fclose(f_);
      if (!tmp_.empty()) std::remove(tmp_.c_str());
    }
  }
  void write(std::string_view s) {
    if (std::fwrite(s.data(), 1, s.size(), f_) != s.size())
      throw std::runtime_error("write failed: " + std::string(std::strerror(errno)));
  }
  void commit() {
    if (std::fflush(f_) != 0) throw std::runtime_error("write failed");
    if (f_ == stdout) return;
    FILE* f = f_;
    f_ = nullptr;
    if (std::fclose(f) != 0) throw std::runtime_error("write failed");
    if (!tmp_.empty() && std::rename(tmp_.c_str(), path_.c_str()) != 0)
      throw std::runtime_error("cannot rename to " + path_);
  }

 private:
  std::string path_, tmp_;
  FILE* f_ = nullptr;
};

class CsvSink : public Sink {
 public:
  CsvSink(const std::string& path, bool gbk) : out_(path), gbk_(gbk), eol_(gbk ? "\r\n" : "\n") {
    if (gbk_) {
      cd_ = iconv_open("GB18030", "UTF-8");
      if (cd_ == reinterpret_cast<iconv_t>(-1)) throw std::runtime_error("iconv: no GB18030");
    } else {
      buf_ = "\xEF\xBB\xBF";
    }
    buf_.reserve(kFlushAt + 4096);
  }
  ~CsvSink() override {
    if (gbk_ && cd_ != reinterpret_cast<iconv_t>(-1)) iconv_close(cd_);
  }

  void begin_sheet(const SheetPlan&) override {
    for (int c = 0; c < kRemark; ++c) {
      if (c) buf_ += ',';
      buf_ += kCols[c].header;
    }
    buf_ += eol_;
    row_ = 1;
  }

  long write(const Row& row) override {
    for (int c = 0; c < kRemark; ++c) {
      if (c) buf_ += ',';
      field(row[c].text);
    }
    buf_ += eol_;
    if (buf_.size() >= kFlushAt) flush();
    return ++row_;
  }

  void blank() override {
    // Excel saves an empty row inside the data as a line of commas.
    buf_.append(kRemark - 1, ',');
    buf_ += eol_;
    ++row_;
  }

  void finish() override {
    flush();
    out_.commit();
  }

 private:
  void field(const std::string& s) {
    // One pass instead of find_first_of, which showed up in profiles.
    bool quote = false;
    for (char ch : s) quote |= ch == ',' || ch == '"' || ch == '\n' || ch == '\r';
    if (!quote) {
      buf_ += s;
      return;
    }
    buf_ += '"';
    for (char ch : s) {
      if (ch == '"') buf_ += '"';
      buf_ += ch;
    }
    buf_ += '"';
  }

  void flush() {
    if (!gbk_) {
      out_.write(buf_);
    } else {
      conv_.resize(buf_.size() * 2 + 16);
      char* in = buf_.data();
      size_t in_left = buf_.size();
      char* out = conv_.data();
      size_t out_left = conv_.size();
      if (iconv(cd_, &in, &in_left, &out, &out_left) == static_cast<size_t>(-1))
        throw std::runtime_error("iconv to GB18030 failed: " + std::string(std::strerror(errno)));
      out_.write({conv_.data(), conv_.size() - out_left});
    }
    buf_.clear();
  }

  static constexpr size_t kFlushAt = 1 << 20;
  OutFile out_;
  bool gbk_;
  std::string_view eol_;
  iconv_t cd_ = reinterpret_cast<iconv_t>(-1);
  std::string buf_, conv_;
  long row_ = 0;
};

class XlsxSink : public Sink {
 public:
  XlsxSink(const std::string& path, const std::string& unit_name)
      : path_(path), unit_name_(unit_name) {
    lxw_workbook_options opt{};
    opt.constant_memory = LXW_TRUE;
    opt.use_zip64 = LXW_TRUE;
    tmp_ = write_in_place(path_) ? path_ : path_ + ".tmp";
    wb_ = workbook_new_opt(tmp_.c_str(), &opt);
    if (!wb_) throw std::runtime_error("cannot create " + tmp_);
    // A fixed creation time: the file must depend on the seed only.
    lxw_doc_properties props{};
    props.title = const_cast<char*>("娄底市退役军人和其他优抚对象信息采集表");
    props.author = const_cast<char*>("vetgen");
    props.created = 1795910400;  // 2026-11-29 00:00 UTC
    workbook_set_properties(wb_, &props);
    title_ = workbook_add_format(wb_);
    format_set_bold(title_);
    format_set_font_size(title_, 16);
    format_set_align(title_, LXW_ALIGN_CENTER);
    format_set_align(title_, LXW_ALIGN_VERTICAL_CENTER);
    header_ = workbook_add_format(wb_);
    format_set_bold(header_);
    format_set_border(header_, LXW_BORDER_THIN);
    format_set_text_wrap(header_);
    format_set_align(header_, LXW_ALIGN_CENTER);
    format_set_bg_color(header_, 0xDDEBF7);
    iso_date_ = workbook_add_format(wb_);
    format_set_num_format(iso_date_, "yyyy-mm-dd");
    cn_date_ = workbook_add_format(wb_);
    format_set_num_format(cn_date_, "yyyy\"年\"m\"月\"d\"日\"");
    cn_month_ = workbook_add_format(wb_);
    format_set_num_format(cn_month_, "yyyy\"年\"m\"月\"");
    text_ = workbook_add_format(wb_);
    format_set_num_format(text_, "@");
  }
  ~XlsxSink() override {
    if (wb_) {
      workbook_close(wb_);
      if (tmp_ != path_) std::remove(tmp_.c_str());
    }
  }

  void begin_sheet(const SheetPlan& sheet) override {
    ws_ = workbook_add_worksheet(wb_, sheet.name.c_str());
    if (!ws_) throw std::runtime_error("cannot add sheet " + sheet.name);
    style_ = sheet.style;
    int ncols = style_.remark_column ? kColumns : kRemark;
    for (int c = 0; c < ncols; ++c) {
      lxw_format* f = c == kId ? text_ : nullptr;  // the ID column is formatted as text
      worksheet_set_column(ws_, static_cast<lxw_col_t>(c), static_cast<lxw_col_t>(c),
                           kCols[c].width, f);
    }
    worksheet_set_row(ws_, 0, 30, nullptr);
    worksheet_merge_range(ws_, 0, 0, 0, static_cast<lxw_col_t>(ncols - 1),
                          "娄底市退役军人和其他优抚对象信息采集表", title_);
    if (style_.note_row) {
      std::string note = "填报单位：" +
                         (sheet.unit >= 0 ? std::string(d::kUnits[sheet.unit].name) : unit_name_) +
                         "  填报日期：2026年11月";
      worksheet_write_string(ws_, 1, 0, note.c_str(), nullptr);
    }
    lxw_row_t hr = static_cast<lxw_row_t>(style_.header_row - 1);
    for (int c = 0; c < ncols; ++c) {
      std::string_view h = style_.alternate_headers && !kCols[c].alternate.empty()
                               ? kCols[c].alternate
                               : kCols[c].header;
      worksheet_write_string(ws_, hr, static_cast<lxw_col_t>(c), std::string(h).c_str(), header_);
    }
    worksheet_freeze_panes(ws_, hr + 1, 3);
    row_ = style_.header_row;
    ncols_ = ncols;
  }

  long write(const Row& row) override {
    lxw_row_t r = static_cast<lxw_row_t>(row_);
    for (int c = 0; c < ncols_; ++c) {
      const Cell& cell = row[c];
      lxw_col_t col = static_cast<lxw_col_t>(c);
      if (cell.kind == Cell::kNumber) {
        worksheet_write_number(ws_, r, col, cell.number, nullptr);
      } else if (cell.kind == Cell::kDate) {
        lxw_datetime dt{cell.date.y, cell.date.m, cell.date.d, 0, 0, 0};
        lxw_format* f = style_.chinese_date_format
                            ? ((c == kEnlist || c == kDischarge) ? cn_month_ : cn_date_)
                            : iso_date_;
        worksheet_write_datetime(ws_, r, col, &dt, f);
      } else if (!cell.text.empty()) {
        worksheet_write_string(ws_, r, col, cell.text.c_str(), c == kId ? text_ : nullptr);
      }
    }
    return ++row_;
  }

  void blank() override { ++row_; }

  void finish() override {
    // The code list that real templates carry for their drop-downs, hidden, and last so the
    // first visible sheet stays the active one.
    lxw_worksheet* codes = workbook_add_worksheet(wb_, "代码表");
    worksheet_write_string(codes, 0, 0, "代码类别", header_);
    worksheet_write_string(codes, 0, 1, "代码", header_);
    worksheet_write_string(codes, 0, 2, "名称", header_);
    lxw_row_t r = 1;
    auto table = [&](std::string_view kind, const auto& t, int width) {
      for (const auto& c : t) {
        worksheet_write_string(codes, r, 0, std::string(kind).c_str(), nullptr);
        worksheet_write_string(codes, r, 1, fmt_int(c.code, width).c_str(), nullptr);
        worksheet_write_string(codes, r, 2, std::string(c.label).c_str(), nullptr);
        ++r;
      }
    };
    table("对象类别", d::kCategories, 0);
    table("性别", d::kGenders, 0);
    table("民族", d::kEthnicities, 2);
    table("政治面貌", d::kPolitical, 2);
    table("服役期间身份", d::kIdentities, 0);
    table("退役安置方式", d::kPlacements, 0);
    table("现就业状态", d::kEmployment, 0);
    table("住房性质", d::kHousingNature, 0);
    table("享受国家抚恤和补助", d::kBenefits, 0);
    table("伤残性质", d::kDisabilityNature, 0);
    table("社会保险", d::kInsurance, 0);
    table("与军人关系", d::kRelations, 0);
    table("采集方式", d::kCollectionModes, 0);
    worksheet_hide(codes);
    lxw_error err = workbook_close(wb_);
    wb_ = nullptr;
    if (err != LXW_NO_ERROR) throw std::runtime_error(std::string("xlsx: ") + lxw_strerror(err));
    if (tmp_ != path_ && std::rename(tmp_.c_str(), path_.c_str()) != 0)
      throw std::runtime_error("cannot rename to " + path_);
  }

 private:
  std::string path_, tmp_, unit_name_;
  lxw_workbook* wb_ = nullptr;
  lxw_worksheet* ws_ = nullptr;
  lxw_format *title_, *header_, *iso_date_, *cn_date_, *cn_month_, *text_;
  SheetStyle style_;
  long row_ = 0;
  int ncols_ = kRemark;
};

// ---------------------------------------------------------------------------------------------
// Planning sheets: a county operator keeps one sheet per township; a city-wide file one per unit.

constexpr long kMaxSheetRows = 1'000'000;  // Excel's limit is 1,048,576 including the header

SheetStyle make_style(Rng& r, Format format, bool quirks) {
  SheetStyle s;
  if (format != Format::kXlsx) return s;
  s.header_row = 2;
  if (!quirks) return s;
  switch (r.below(3)) {
    case 0:
      s.note_row = true;
      s.header_row = 3;
      break;
    case 1:
      s.header_row = 2;
      break;
    default:
      s.header_row = 3;
      break;  // a blank row under the title
  }
  s.alternate_headers = r.chance(0.3);
  s.real_dates[kBirth] = r.chance(0.7);
  s.real_dates[kCollected] = r.chance(0.8);
  bool service = r.chance(0.3);
  s.real_dates[kEnlist] = s.real_dates[kDischarge] = service;
  s.chinese_date_format = r.chance(0.5);
  s.remark_column = r.chance(0.5);
  return s;
}

std::vector<SheetPlan> plan_sheets(uint64_t seed, Format format, int unit, long rows,
                                   const std::vector<Unit>& units, bool quirks) {
  Rng r(seed, 0, 7);
  std::vector<SheetPlan> plan;
  if (format != Format::kXlsx) {
    plan.push_back({"", unit, {}, rows, make_style(r, format, quirks)});
    return plan;
  }
  std::vector<std::pair<std::string, std::pair<int, std::string_view>>> groups;
  std::vector<double> weights;
  if (unit >= 0) {
    size_t n = units[unit].townships.size();
    size_t k = static_cast<size_t>(std::clamp<long>(rows / 20, 1, static_cast<long>(n)));
    for (size_t i = 0; i < k; ++i) {
      std::string_view t = units[unit].townships[i];
      groups.push_back({std::string(t), {unit, t}});
      weights.push_back(0.5 + r.unit());
    }
  } else {
    for (size_t i = 0; i < units.size(); ++i) {
      groups.push_back({std::string(units[i].data->name), {static_cast<int>(i), {}}});
      weights.push_back(units[i].data->weight);
    }
  }
  double total = 0;
  for (double w : weights) total += w;
  long assigned = 0;
  double acc = 0;
  for (size_t i = 0; i < groups.size(); ++i) {
    acc += weights[i];
    long upto =
        i + 1 == groups.size() ? rows : std::lround(static_cast<double>(rows) * acc / total);
    long n = upto - assigned;
    assigned = upto;
    SheetStyle style = make_style(r, format, quirks);
    for (long done = 0, part = 1; done < n; ++part) {
      long chunk = std::min(kMaxSheetRows, n - done);
      std::string name = groups[i].first;
      if (part > 1) name += "(" + fmt_int(part) + ")";
      plan.push_back({name, groups[i].second.first, groups[i].second.second, chunk, style});
      done += chunk;
    }
  }
  if (plan.empty())  // --rows 0: a workbook with an empty sheet still has its header
    plan.push_back({groups[0].first, groups[0].second.first, groups[0].second.second, 0,
                    make_style(r, format, quirks)});
  return plan;
}

// ---------------------------------------------------------------------------------------------

std::string json_escape(std::string_view s) {
  std::string o;
  for (char c : s) {
    if (c == '"' || c == '\\') o += '\\';
    o += c;
  }
  return o;
}

struct Options {
  long rows = 100;
  uint64_t seed = 1;
  std::string format = "csv";
  std::string unit;
  double mistakes = 0;
  bool quirks = false;
  std::string truth;
  std::string output;
};

int run(const Options& o) {
  const Format format = o.format == "gbk"    ? Format::kGbk
                        : o.format == "xlsx" ? Format::kXlsx
                                             : Format::kCsv;
  const auto units = make_units();
  int unit = -1;
  if (!o.unit.empty()) {
    for (size_t i = 0; i < units.size(); ++i)
      if (o.unit == units[i].data->code || o.unit == units[i].data->name)
        unit = static_cast<int>(i);
    if (unit < 0) throw std::runtime_error("unknown unit " + o.unit);
  }
  if (format == Format::kXlsx && (o.output.empty() || o.output == "-"))
    throw std::runtime_error("--format xlsx needs -o FILE");

  std::unique_ptr<Sink> sink;
  if (format == Format::kXlsx)
    sink = std::make_unique<XlsxSink>(
        o.output, unit >= 0 ? std::string(units[unit].data->name) : std::string("娄底市"));
  else
    sink = std::make_unique<CsvSink>(o.output, format == Format::kGbk);
  std::unique_ptr<OutFile> truth;
  if (!o.truth.empty()) truth = std::make_unique<OutFile>(o.truth);

  PersonMaker maker(units, o.quirks);
  Renderer renderer(format, o.quirks);
  std::vector<int> unit_weights;
  for (const auto& u : units) unit_weights.push_back(u.data->weight);

  std::array<int, kMistakes.size()> mistake_weights{};
  for (size_t i = 0; i < kMistakes.size(); ++i) mistake_weights[i] = kMistakes[i].weight;

  Row row;
  std::optional<Person> last_clean;
  std::string line;
  long index = 0;
  for (const SheetPlan& sheet : plan_sheets(o.seed, format, unit, o.rows, units, o.quirks)) {
    sink->begin_sheet(sheet);
    for (long k = 0; k < sheet.rows; ++k, ++index) {
      Rng pr(o.seed, index, 1), rr(o.seed, index, 2), mr(o.seed, index, 3);
      Mistake m = Mistake::kNone;
      std::string_view code;
      if (o.mistakes > 0 && mr.chance(o.mistakes)) {
        const auto& mi = kMistakes[mr.weighted(mistake_weights)];
        m = mi.kind;
        code = mi.code;
        if (m == Mistake::kDuplicate && !last_clean) {
          m = Mistake::kMissingName;
          code = "missing-value";
        }
      }
      Person p;
      if (m == Mistake::kDuplicate) {
        p = *last_clean;
      } else {
        int u = sheet.unit >= 0 ? sheet.unit : static_cast<int>(pr.weighted(unit_weights));
        p = maker.make(pr, u, sheet.township, needs_of(m));
      }
      int col = mistake_in_person(mr, m, p);
      if (m == Mistake::kNone) last_clean = p;
      renderer.render(rr, p, k + 1, sheet.style, row);
      if (int c = mistake_in_cells(mr, m, p, format, row); c >= 0) col = c;
      if (m == Mistake::kDuplicate) col = kId;
      // The mistaken cell is written plainly, so a quirk cannot hide or double the mistake.
      if (col == kBirth && row[kBirth].kind == Cell::kText)
        renderer.date(mr, row[kBirth], p.birth, false, 0);
      long at = sink->write(row);
      if (truth && m != Mistake::kNone) {
        line = "{\"row\":" + fmt_int(at) + ",\"sheet\":\"" + json_escape(sheet.name) +
               "\",\"column\":\"" + column_letter(col) + "\",\"field\":\"" +
               std::string(kCols[col].field) + "\",\"code\":\"" + std::string(code) + "\"}\n";
        truth->write(line);
      }
      if (o.quirks && format != Format::kCsv && rr.chance(0.004)) sink->blank();
    }
  }
  sink->finish();
  if (truth) truth->commit();
  return 0;
}

}  // namespace
}  // namespace vetgen

int main(int argc, char** argv) {
  vetgen::Options o;
  CLI::App app{"vetgen: deterministic generator of realistic veteran-record spreadsheets"};
  app.add_option("--rows", o.rows, "number of people (rows)")->check(CLI::NonNegativeNumber);
  app.add_option("--seed", o.seed, "random seed; same seed and options, same bytes");
  app.add_option("--format", o.format, "csv (UTF-8, BOM, LF), gbk (as Chinese Excel saves), xlsx")
      ->check(CLI::IsMember({"csv", "gbk", "xlsx"}));
  app.add_option("--unit", o.unit,
                 "431302 431321 431322 431381 431382 LD01 LD02 (or the name); default: all");
  app.add_option("--mistakes", o.mistakes, "fraction of rows with one deliberate mistake")
      ->check(CLI::Range(0.0, 1.0));
  app.add_flag("--quirks,!--no-quirks", o.quirks,
               "harmless real-world quirks (date forms, full-width digits, ...); default off");
  app.add_option("--truth", o.truth, "write one JSON line per injected mistake");
  app.add_option("-o,--output", o.output, "output file (default: stdout; required for xlsx)");
  CLI11_PARSE(app, argc, argv);
  try {
    return vetgen::run(o);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "vetgen: %s\n", e.what());
    return 1;
  }
}
