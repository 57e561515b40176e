#include "text/fold.h"

#include <utf8proc.h>

#include <array>
#include <cstdlib>
#include <mutex>
#include <vector>

#include "text/utf8.h"

namespace vetkit {

namespace {

// One bit per BMP code point that NFKC may change: it decomposes, it is a combining mark, or
// it is a vowel/jamo that composes with what precedes it although its class is 0.
class UnstableSet {
 public:
  UnstableSet() {
    for (char32_t c = 0x80; c < 0x10000; ++c) {
      if (c >= 0xD800 && c <= 0xDFFF) continue;
      const utf8proc_property_t* p = utf8proc_get_property(c);
      bool unstable = p->decomp_seqindex != UINT16_MAX || p->combining_class != 0 ||
                      (c >= 0x0900 && c <= 0x0DFF) || (c >= 0x1100 && c <= 0x11FF) ||
                      (c >= 0x1B00 && c <= 0x1BFF) || (c >= 0xAC00 && c <= 0xD7A3);
      if (unstable) bits_[c >> 6] |= uint64_t(1) << (c & 63);
    }
  }
  bool contains(char32_t c) const {
    if (c >= 0x10000) return true;  // rare enough to send to utf8proc unconditionally
    return bits_[c >> 6] >> (c & 63) & 1;
  }

 private:
  std::array<uint64_t, 0x10000 / 64> bits_{};
};

const UnstableSet& unstableSet() {
  static const UnstableSet set;
  return set;
}

bool isNfkcStable(std::string_view s) {
  const UnstableSet& set = unstableSet();
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  size_t i = asciiPrefix(s);
  while (i < s.size()) {
    unsigned char c = p[i];
    if (c < 0x80) {
      ++i;
    } else if (c >= 0xE4 && c <= 0xE9 && i + 2 < s.size()) {
      i += 3;  // U+4000..U+9FFF, the CJK ideographs: nothing there decomposes
    } else if (set.contains(decodeUtf8(s, &i))) {
      return false;
    }
  }
  return true;
}

inline bool isBlank(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
}

}  // namespace

std::string nfkc(std::string_view s) {
  if (isNfkcStable(s)) return std::string(s);
  utf8proc_uint8_t* out = nullptr;
  utf8proc_ssize_t n =
      utf8proc_map(reinterpret_cast<const utf8proc_uint8_t*>(s.data()), utf8proc_ssize_t(s.size()),
                   &out, utf8proc_option_t(UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_COMPAT));
  if (n < 0) return std::string(s);
  std::string result(reinterpret_cast<char*>(out), size_t(n));
  std::free(out);
  return result;
}

std::string_view foldValueView(std::string_view s, std::string* storage) {
  std::string_view t = trimBlanks(s);
  if (isNfkcStable(t)) return t;
  *storage = nfkc(t);
  return trimBlanks(*storage);
}

std::string foldValue(std::string_view s) {
  std::string storage;
  return std::string(foldValueView(s, &storage));
}

std::string foldKey(std::string_view s) {
  std::string n = nfkc(s);
  std::string out;
  out.reserve(n.size());
  int depth = 0;  // inside (...) or [...] after NFKC folded the full-width forms
  size_t i = 0;
  while (i < n.size()) {
    size_t start = i;
    char32_t c = decodeUtf8(n, &i);
    if (c == '(' || c == '[' || c == 0x3010 /* 【 */) {
      ++depth;
    } else if (c == ')' || c == ']' || c == 0x3011 /* 】 */) {
      if (depth > 0) --depth;
    } else if (depth > 0) {
      continue;
    } else if (c < 0x80) {
      char a = char(c);
      if (isBlank(a) || a == '*' || a == ':') continue;
      out += (a >= 'A' && a <= 'Z') ? char(a - 'A' + 'a') : a;
    } else {
      out.append(n, start, i - start);
    }
  }
  return out;
}

}  // namespace vetkit
