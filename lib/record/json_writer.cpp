#include "record/json_writer.h"

#include <algorithm>
#include <cstdint>
#include <cstring>

namespace vetkit {

namespace {

// True when one of the eight bytes of `w` is a control character, '"' or '\\' (bit tricks
// from "Bit Twiddling Hacks": haszero / hasless).
inline bool needsEscape(uint64_t w) {
  constexpr uint64_t kOnes = 0x0101010101010101ull, kHigh = 0x8080808080808080ull;
  auto hasZero = [&](uint64_t v) { return (v - kOnes) & ~v & kHigh; };
  uint64_t below_space = (w - kOnes * 0x20) & ~w & kHigh;
  return below_space | hasZero(w ^ (kOnes * '"')) | hasZero(w ^ (kOnes * '\\'));
}

}  // namespace

std::string quotedKey(std::string_view key) {
  std::string out;
  JsonWriter::appendQuoted(&out, key);
  out += ':';
  return out;
}

namespace {

// True when `s` holds a control character, '"' or '\\': nearly never, so the answer is
// sought eight bytes at a time.
bool needsEscaping(std::string_view s) {
  size_t i = 0, n = s.size();
  for (; i + 8 <= n; i += 8) {
    uint64_t w;
    std::memcpy(&w, s.data() + i, 8);
    if (needsEscape(w)) return true;
  }
  for (; i < n; ++i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x20 || c == '"' || c == '\\') return true;
  }
  return false;
}

char* putEscaped(char* p, std::string_view s) {
  static const char kHex[] = "0123456789abcdef";
  *p++ = '"';
  for (char ch : s) {
    unsigned char c = static_cast<unsigned char>(ch);
    if (c >= 0x20 && c != '"' && c != '\\') {
      *p++ = ch;
      continue;
    }
    *p++ = '\\';
    switch (c) {
      case '"':
      case '\\':
        *p++ = char(c);
        break;
      case '\n':
        *p++ = 'n';
        break;
      case '\r':
        *p++ = 'r';
        break;
      case '\t':
        *p++ = 't';
        break;
      default:
        p = putRaw(p, "u00");
        *p++ = kHex[c >> 4];
        *p++ = kHex[c & 15];
    }
  }
  *p++ = '"';
  return p;
}

}  // namespace

char* putQuoted(char* p, std::string_view s) {
  // Copied and checked in the same pass, eight bytes at a time; a byte that needs escaping
  // (nearly never) sends the whole string to putEscaped, which writes it again from `p`.
  const char* src = s.data();
  size_t i = 0, n = s.size();
  char* body = p + 1;
  for (; i + 8 <= n; i += 8) {
    uint64_t w;
    std::memcpy(&w, src + i, 8);
    if (needsEscape(w)) return putEscaped(p, s);
    std::memcpy(body + i, &w, 8);
  }
  for (; i < n; ++i) {
    unsigned char c = static_cast<unsigned char>(src[i]);
    if (c < 0x20 || c == '"' || c == '\\') return putEscaped(p, s);
    body[i] = char(c);
  }
  *p = '"';
  body[n] = '"';
  return body + n + 1;
}

void JsonWriter::appendQuoted(std::string* out, std::string_view s) {
  if (!needsEscaping(s)) {
    *out += '"';
    out->append(s);
    *out += '"';
    return;
  }
  // Rare: room for the worst case, written by pointer, then trimmed to what it took.
  size_t old = out->size();
  out->resize(old + quotedBound(s.size()));
  char* end = putEscaped(out->data() + old, s);
  out->resize(size_t(end - out->data()));
}

void JsonScratch::grow(size_t n) {
  size_t capacity = std::max({capacity_ * 2, size_ + n, size_t(4096)});
  std::unique_ptr<char[]> data(new char[capacity]);
  if (size_) std::memcpy(data.get(), data_.get(), size_);
  data_ = std::move(data);
  capacity_ = capacity;
}

bool isJsonNumber(std::string_view s) {
  size_t i = 0, n = s.size();
  auto digits = [&] {
    size_t start = i;
    while (i < n && s[i] >= '0' && s[i] <= '9') ++i;
    return i > start;
  };
  if (i < n && s[i] == '-') ++i;
  if (i < n && s[i] == '0') {
    ++i;
  } else if (!digits()) {
    return false;
  }
  if (i < n && s[i] == '.') {
    ++i;
    if (!digits()) return false;
  }
  if (i < n && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < n && (s[i] == '+' || s[i] == '-')) ++i;
    if (!digits()) return false;
  }
  return i == n;
}

}  // namespace vetkit
