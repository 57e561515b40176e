#include "text/utf8.h"

#include <simdjson.h>

#include <cstdint>
#include <cstring>

namespace vetkit {

namespace {

// Length of the sequence a lead byte starts, 0 for a byte that cannot lead.
inline int sequenceLength(unsigned char c) {
  if (c < 0x80) return 1;
  if (c < 0xC2) return 0;
  if (c < 0xE0) return 2;
  if (c < 0xF0) return 3;
  if (c < 0xF5) return 4;
  return 0;
}

// Checks one sequence of `len` bytes at `p`, rejecting overlong forms and surrogates.
inline bool validSequence(const unsigned char* p, int len) {
  for (int i = 1; i < len; ++i)
    if ((p[i] & 0xC0) != 0x80) return false;
  if (len == 3) {
    if (p[0] == 0xE0 && p[1] < 0xA0) return false;
    if (p[0] == 0xED && p[1] >= 0xA0) return false;
  } else if (len == 4) {
    if (p[0] == 0xF0 && p[1] < 0x90) return false;
    if (p[0] == 0xF4 && p[1] >= 0x90) return false;
  }
  return true;
}

}  // namespace

size_t asciiPrefix(std::string_view s) {
  // Eight bytes at a time: most of a spreadsheet is digits and punctuation.
  const char* p = s.data();
  size_t n = s.size(), i = 0;
  for (; i + 8 <= n; i += 8) {
    uint64_t w;
    std::memcpy(&w, p + i, 8);
    if (w & 0x8080808080808080ull) break;
  }
  while (i < n && static_cast<unsigned char>(p[i]) < 0x80) ++i;
  return i;
}

bool isAscii(std::string_view s) {
  return asciiPrefix(s) == s.size();
}

bool isValidUtf8(std::string_view s, bool allow_truncated_tail) {
  // simdjson's validator picks the widest SIMD unit of the machine at run time.
  if (!allow_truncated_tail) return simdjson::validate_utf8(s.data(), s.size());
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  size_t n = s.size(), i = 0;
  while (i < n) {
    if (p[i] < 0x80) {
      i += asciiPrefix(s.substr(i));
      continue;
    }
    int len = sequenceLength(p[i]);
    if (len == 0) return false;
    if (i + len > n) {
      if (!allow_truncated_tail) return false;
      for (size_t j = i + 1; j < n; ++j)
        if ((p[j] & 0xC0) != 0x80) return false;
      return true;
    }
    if (!validSequence(p + i, len)) return false;
    i += len;
  }
  return true;
}

void countUtf8(std::string_view s, size_t* multibyte, size_t* invalid) {
  *multibyte = *invalid = 0;
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  size_t n = s.size(), i = 0;
  while (i < n) {
    if (p[i] < 0x80) {
      ++i;
      continue;
    }
    int len = sequenceLength(p[i]);
    if (len == 0 || i + len > n || !validSequence(p + i, len)) {
      if (i + len > n && len > 0) break;  // cut at the end: not evidence either way
      ++*invalid, ++i;
      continue;
    }
    ++*multibyte;
    i += len;
  }
}

char32_t decodeUtf8(std::string_view s, size_t* pos) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data()) + *pos;
  size_t left = s.size() - *pos;
  int len = sequenceLength(p[0]);
  if (len == 0 || size_t(len) > left || !validSequence(p, len)) {
    *pos += 1;
    return 0xFFFD;
  }
  *pos += len;
  switch (len) {
    case 1:
      return p[0];
    case 2:
      return char32_t(p[0] & 0x1F) << 6 | (p[1] & 0x3F);
    case 3:
      return char32_t(p[0] & 0x0F) << 12 | char32_t(p[1] & 0x3F) << 6 | (p[2] & 0x3F);
    default:
      return char32_t(p[0] & 0x07) << 18 | char32_t(p[1] & 0x3F) << 12 |
             char32_t(p[2] & 0x3F) << 6 | (p[3] & 0x3F);
  }
}

void appendUtf8(std::string& out, char32_t cp) {
  if (cp < 0x80) {
    out += char(cp);
  } else if (cp < 0x800) {
    out += char(0xC0 | (cp >> 6));
    out += char(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += char(0xE0 | (cp >> 12));
    out += char(0x80 | ((cp >> 6) & 0x3F));
    out += char(0x80 | (cp & 0x3F));
  } else {
    out += char(0xF0 | (cp >> 18));
    out += char(0x80 | ((cp >> 12) & 0x3F));
    out += char(0x80 | ((cp >> 6) & 0x3F));
    out += char(0x80 | (cp & 0x3F));
  }
}

size_t sanitizeUtf8(std::string_view s, std::string* out) {
  size_t replaced = 0;
  out->clear();
  out->reserve(s.size());
  size_t i = 0;
  while (i < s.size()) {
    size_t start = i;
    char32_t cp = decodeUtf8(s, &i);
    if (cp == 0xFFFD && i == start + 1 && static_cast<unsigned char>(s[start]) >= 0x80) {
      ++replaced;
      appendUtf8(*out, cp);
    } else {
      out->append(s.substr(start, i - start));
    }
  }
  return replaced;
}

size_t displayWidth(std::string_view s) {
  size_t width = 0, i = 0;
  while (i < s.size()) {
    char32_t c = decodeUtf8(s, &i);
    bool wide = (c >= 0x1100 && c <= 0x115F) || (c >= 0x2E80 && c <= 0xA4CF) ||
                (c >= 0xAC00 && c <= 0xD7A3) || (c >= 0xF900 && c <= 0xFAFF) ||
                (c >= 0xFE30 && c <= 0xFE4F) || (c >= 0xFF00 && c <= 0xFF60) ||
                (c >= 0xFFE0 && c <= 0xFFE6) || (c >= 0x20000 && c <= 0x3FFFD);
    width += wide ? 2 : 1;
  }
  return width;
}

namespace {

bool isShownEscaped(char32_t cp) {
  return cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp <= 0x9F) || cp == 0x061C || cp == 0x200E ||
         cp == 0x200F || (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069);
}

}  // namespace

void appendTerminalSafe(std::string* out, std::string_view s) {
  static const char kHex[] = "0123456789abcdef";
  size_t pos = 0;
  while (pos < s.size()) {
    unsigned char c = static_cast<unsigned char>(s[pos]);
    if (c >= 0x20 && c < 0x7F) {  // the common case: printable ASCII
      out->push_back(char(c));
      ++pos;
      continue;
    }
    size_t start = pos;
    char32_t cp = decodeUtf8(s, &pos);
    bool invalid = cp == 0xFFFD && pos - start == 1;
    if (invalid || cp < 0x80) {
      out->append("\\x");
      out->push_back(kHex[c >> 4]);
      out->push_back(kHex[c & 15]);
      pos = start + 1;
    } else if (isShownEscaped(cp)) {
      out->append("\\u");
      for (int shift = 12; shift >= 0; shift -= 4) out->push_back(kHex[(cp >> shift) & 15]);
    } else {
      out->append(s.substr(start, pos - start));
    }
  }
}

std::string terminalSafe(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  appendTerminalSafe(&out, s);
  return out;
}

}  // namespace vetkit
