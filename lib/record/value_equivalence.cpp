#include "record/value_equivalence.h"

#include <algorithm>
#include <cstdlib>
#include <vector>

#include "text/id_number.h"

namespace vetkit {

std::string squeezeBlanks(std::string_view s);

namespace {

bool sameNumber(const std::string& a, const std::string& b) {
  char *ea, *eb;
  double x = std::strtod(a.c_str(), &ea), y = std::strtod(b.c_str(), &eb);
  return *ea == 0 && *eb == 0 && !a.empty() && !b.empty() && x == y;
}

// A code set is a set: 1、3 and 3、1 are the same benefits.
std::vector<std::string> asSet(std::vector<std::string> items) {
  std::sort(items.begin(), items.end());
  items.erase(std::unique(items.begin(), items.end()), items.end());
  return items;
}

bool sameStrict(const FieldValue& a, const FieldValue& b) {
  using K = FieldValue::Kind;
  if (a.kind != b.kind) return false;
  if (a.kind == K::Absent) return true;
  if (a.kind == K::Bool) return a.boolean == b.boolean;
  if (a.kind == K::Array) return a.items == b.items;
  return a.text == b.text;
}

}  // namespace

// Dates are canonical ISO text of the precision typed (1978, 1978-03, 1978-03-05). A date of
// lower precision is the same date as a more precise one inside it: 出生年月 1978-03 and a
// sheet's 1978-03-05 say one thing, one of them more exactly. The shorter must end where a
// component ends (1978-0 is no date), and 1978-03 is not 1978-04-05.
bool sameDate(std::string_view a, std::string_view b) {
  std::string x = squeezeBlanks(a), y = squeezeBlanks(b);
  if (x.size() > y.size()) std::swap(x, y);
  if (x.empty() || !y.starts_with(x)) return false;
  return x.size() == y.size() || ((x.size() == 4 || x.size() == 7) && y[x.size()] == '-');
}

std::string squeezeBlanks(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  size_t i = 0;
  while (i < s.size()) {
    if (s[i] != ' ' && s[i] != '\t') {
      out += s[i++];
      continue;
    }
    while (i < s.size() && (s[i] == ' ' || s[i] == '\t')) ++i;
    bool wide_before = !out.empty() && static_cast<unsigned char>(out.back()) >= 0x80;
    bool wide_after = i < s.size() && static_cast<unsigned char>(s[i]) >= 0x80;
    if (!out.empty() && i < s.size() && !wide_before && !wide_after) out += ' ';
  }
  return out;
}

bool sameValue(const Field& f, const FieldValue& a, const FieldValue& b, Equivalence eq) {
  using K = FieldValue::Kind;
  if (eq == Equivalence::Strict) return sameStrict(a, b);
  if (a.kind == K::Absent || b.kind == K::Absent) return a.kind == b.kind;
  if (a.kind == K::Bool || b.kind == K::Bool) return a.kind == b.kind && a.boolean == b.boolean;
  if (a.kind == K::Array || b.kind == K::Array)
    return a.kind == b.kind && (a.items == b.items || asSet(a.items) == asSet(b.items));
  if (a.text == b.text) return true;
  if (a.kind == K::Number || b.kind == K::Number) return sameNumber(a.text, b.text);
  if (f.type == FieldType::IdNumber) return identityKey(a.text) == identityKey(b.text);
  if (f.type == FieldType::Date) return sameDate(a.text, b.text);
  return squeezeBlanks(a.text) == squeezeBlanks(b.text);
}

int precision(const Field& f, const FieldValue& v) {
  if (f.type != FieldType::Date || v.kind != FieldValue::Kind::String) return 0;
  return int(squeezeBlanks(v.text).size());
}

}  // namespace vetkit
