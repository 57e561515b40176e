#include "io/sheet_xml.h"

#include "text/utf8.h"

namespace vetkit::sheetxml::detail {

namespace {

// The Char production of XML 1.0: what a character reference may name.
bool isXmlChar(uint32_t c) {
  return c == 0x9 || c == 0xA || c == 0xD || (c >= 0x20 && c <= 0xD7FF) ||
         (c >= 0xE000 && c <= 0xFFFD) || (c >= 0x10000 && c <= 0x10FFFF);
}

bool isSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

}  // namespace

Step scanReference(const char* p, const char* end, std::string* out, const char** next) {
  const char* q = p + 1;
  if (q >= end) return Step::NeedMore;
  if (*q == '#') {
    ++q;
    if (q >= end) return Step::NeedMore;
    bool hex = *q == 'x';
    if (hex) ++q;
    uint32_t v = 0;
    int digits = 0;
    for (;; ++q) {
      if (q >= end) return Step::NeedMore;
      char c = *q;
      int d = c >= '0' && c <= '9'          ? c - '0'
              : hex && c >= 'a' && c <= 'f' ? c - 'a' + 10
              : hex && c >= 'A' && c <= 'F' ? c - 'A' + 10
                                            : -1;
      if (d < 0) break;
      // Leading zeros are legal but rare; refusing long ones keeps v from overflowing.
      if (++digits > 7) return Step::GiveUp;
      v = v * (hex ? 16 : 10) + uint32_t(d);
    }
    if (*q != ';' || digits == 0 || !isXmlChar(v)) return Step::GiveUp;
    if (out) appendUtf8(*out, v);
    *next = q + 1;
    return Step::Ok;
  }
  const char* name = q;
  while (q < end && q - name < 5 && ((*q >= 'a' && *q <= 'z'))) ++q;
  if (q >= end) return Step::NeedMore;
  if (*q != ';') return Step::GiveUp;  // other entities need a DTD: expat decides
  std::string_view n(name, size_t(q - name));
  char c = n == "lt"     ? '<'
           : n == "gt"   ? '>'
           : n == "amp"  ? '&'
           : n == "quot" ? '"'
           : n == "apos" ? '\''
                         : 0;
  if (!c) return Step::GiveUp;
  if (out) out->push_back(c);
  *next = q + 1;
  return Step::Ok;
}

Step scanComment(const char* p, const char* end, const char** next) {
  const char* q = p + 4;
  for (;;) {
    while (cls(q) & kComment) ++q;
    auto c = static_cast<unsigned char>(*q);
    if (c >= 0x80) {
      int n = utf8Length(q, end);
      if (n <= 0) return n < 0 ? Step::NeedMore : Step::GiveUp;
      q += n;
    } else if (c == '-') {
      if (end - q < 3) return Step::NeedMore;
      if (q[1] == '-') {
        if (q[2] != '>') return Step::GiveUp;  // "--" may only end a comment
        *next = q + 3;
        return Step::Ok;
      }
      ++q;
    } else {
      return q >= end ? Step::NeedMore : Step::GiveUp;
    }
  }
}

// Accepts exactly: <?xml S version Eq '1.0' (S encoding Eq 'UTF-8')? (S standalone Eq
// ('yes'|'no'))? S? ?>, with either quote and any case of UTF-8. Other encodings go to expat.
Step scanXmlDecl(const char* p, const char* end, const char** next) {
  const char* close = nullptr;
  for (const char* q = p + 5; q + 1 < end; ++q)
    if (q[0] == '?' && q[1] == '>') {
      close = q;
      break;
    }
  if (!close) return end - p > 1024 ? Step::GiveUp : Step::NeedMore;
  std::string_view d(p + 5, size_t(close - p - 5));
  size_t i = 0;
  auto space = [&] {
    size_t from = i;
    while (i < d.size() && isSpace(d[i])) ++i;
    return i > from;
  };
  auto lit = [&](std::string_view w) {
    if (d.substr(i, w.size()) != w) return false;
    i += w.size();
    return true;
  };
  // Eq and a quoted value; the value's text comes back in v.
  auto value = [&](std::string_view* v) {
    space();
    if (!lit("=")) return false;
    space();
    if (i >= d.size() || (d[i] != '"' && d[i] != '\'')) return false;
    size_t close = d.find(d[i], i + 1);
    if (close == std::string_view::npos) return false;
    *v = d.substr(i + 1, close - i - 1);
    i = close + 1;
    return true;
  };
  std::string_view v;
  if (!space() || !lit("version") || !value(&v) || v != "1.0") return Step::GiveUp;
  bool sp = space();
  if (sp && lit("encoding")) {
    if (!value(&v) || v.size() != 5) return Step::GiveUp;
    for (size_t k = 0; k < 5; ++k)
      if ((k < 3 ? v[k] | 0x20 : v[k]) != "utf-8"[k]) return Step::GiveUp;  // fold letters only
    sp = space();
  }
  if (sp && lit("standalone")) {
    if (!value(&v) || (v != "yes" && v != "no")) return Step::GiveUp;
    space();
  }
  if (i != d.size()) return Step::GiveUp;
  // The declaration's characters were matched literally above, so all are ASCII and valid.
  *next = close + 2;
  return Step::Ok;
}

}  // namespace vetkit::sheetxml::detail
