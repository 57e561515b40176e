#include "text/nearest.h"

#include <algorithm>
#include <vector>

#include "text/utf8.h"

namespace vetkit {

namespace {

std::u32string letters(std::string_view s) {
  std::u32string out;
  for (size_t i = 0; i < s.size();) {
    char32_t c = decodeUtf8(s, &i);
    out.push_back(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  }
  return out;
}

// Two letters swapped (nmae) is one slip of the fingers, not two: the optimal string
// alignment distance.
size_t editDistance(const std::u32string& a, const std::u32string& b) {
  std::vector<size_t> before(b.size() + 1), prev(b.size() + 1), cur(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] != b[j - 1])});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
        cur[j] = std::min(cur[j], before[j - 2] + 1);
    }
    std::swap(before, prev);
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

}  // namespace

std::string nearestName(std::string_view typed, const std::vector<std::string>& names) {
  std::u32string t = letters(typed);
  if (t.empty()) return {};
  // A typo changes a few letters of a word, never most of it.
  size_t limit = std::min<size_t>(3, std::max<size_t>(1, t.size() / 3));
  const std::string* best = nullptr;
  size_t best_distance = limit + 1;
  for (const std::string& n : names) {
    size_t d = editDistance(t, letters(n));
    if (d < best_distance) best = &n, best_distance = d;
  }
  return best ? *best : std::string();
}

}  // namespace vetkit
