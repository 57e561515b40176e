// A fast, allocation-free (in steady state) XML scanner for worksheet parts, where expat spends
// most of an import's time. It is not a general XML parser: it accepts only a subset of
// well-formed XML (UTF-8, ASCII names, the five predefined entities and character references,
// comments; no DOCTYPE, CDATA or processing instructions) and says GiveUp on anything else,
// malformed or merely unfamiliar. The caller then hands the whole part to expat, which decides.
//
// The contract that makes the fallback safe: for any input, the events delivered before the
// scanner returns GiveUp are a prefix of the events expat delivers for the same input, and when
// it returns Done, expat would have accepted the document and delivered exactly the same events
// (element names, attribute values after normalisation, character data after line-end and
// reference decoding). tests/unit/sheet_xml_test.cpp checks this against expat itself.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace vetkit::sheetxml {

struct Attr {
  std::string_view name;   // qualified, as written ("x:r")
  std::string_view local;  // after the last ':'
  std::string_view value;  // normalised as expat reports it
};

enum class Status : uint8_t {
  NeedMore,  // feed the unconsumed tail again with more data after it
  Done,      // the document ended well-formed
  GiveUp,    // not provably well-formed in the accepted subset: let expat decide
  Halted,    // the handler asked to stop
};

/// The deepest nesting of elements either XML path accepts. A worksheet needs 7 levels
/// (worksheet, sheetData, row, c, is, r, t); millions of nested elements are an attack on the
/// parser's stack of open names (expat keeps one, unbounded), so the scanner gives up past
/// this depth and expat, which then re-reads the part, refuses it (xlsx_reader.cpp).
inline constexpr size_t kMaxElementDepth = 256;

/// Bytes after the data that must be readable and zero, so that scanning loops stop at the end
/// without a bounds check per byte.
inline constexpr size_t kPad = 16;

namespace detail {

enum class Step : uint8_t { Ok, NeedMore, GiveUp };

enum : uint8_t {
  kText = 1,       // taken as is in character data
  kAttr = 2,       // taken as is in a quoted attribute value (either quote)
  kNameStart = 4,  // ASCII only: other name characters make the scanner give up
  kName = 8,
  kSpace = 16,
  kComment = 32,  // taken as is inside a comment
};

struct Classes {
  uint8_t c[256] = {};
  constexpr Classes() {
    for (int i = 0x20; i < 0x80; ++i) c[i] = kText | kAttr | kComment;
    for (int i : {'\t', '\n'}) c[i] = kText | kSpace | kComment;
    c[uint8_t('\r')] = kSpace | kComment;  // line ends are normalised, so never taken as is
    c[uint8_t(' ')] |= kSpace;
    c[uint8_t('<')] &= uint8_t(~(kText | kAttr));
    c[uint8_t('&')] &= uint8_t(~(kText | kAttr));
    c[uint8_t(']')] &= uint8_t(~kText);  // "]]>" is not allowed in character data
    // A value ends at its own quote, so both quotes are checked.
    c[uint8_t('"')] &= uint8_t(~kAttr);
    c[uint8_t('\'')] &= uint8_t(~kAttr);
    c[uint8_t('-')] &= uint8_t(~kComment);
    for (int i = 'a'; i <= 'z'; ++i) c[i] |= kNameStart | kName;
    for (int i = 'A'; i <= 'Z'; ++i) c[i] |= kNameStart | kName;
    for (int i = '0'; i <= '9'; ++i) c[i] |= kName;
    c[uint8_t('_')] |= kNameStart | kName;
    c[uint8_t(':')] |= kNameStart | kName;  // without namespace processing ':' is a name character
    c[uint8_t('.')] |= kName;
    c[uint8_t('-')] |= kName;
  }
};
inline constexpr Classes kClasses{};

// Names are a few bytes long, where a call to memcmp costs more than the comparison.
inline bool sameName(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (a[i] != b[i]) return false;
  return true;
}

inline uint8_t cls(const char* p) {
  return kClasses.c[static_cast<unsigned char>(*p)];
}

#if defined(__SSE2__)
// Index of the first byte of 16 at q that is < 0x20 or >= 0x80 (signed less than ' ') or one of
// a, b, c, d; 16 if none. Reading 16 bytes is safe while q <= end thanks to the padding.
inline unsigned firstSpecial(const char* q, char a, char b, char c, char d) {
  __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(q));
  __m128i m = _mm_or_si128(
      _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8(a)), _mm_cmpeq_epi8(v, _mm_set1_epi8(b))),
      _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8(c)), _mm_cmpeq_epi8(v, _mm_set1_epi8(d))));
  m = _mm_or_si128(m, _mm_cmplt_epi8(v, _mm_set1_epi8(' ')));
  unsigned bits = unsigned(_mm_movemask_epi8(m));
  return bits ? unsigned(__builtin_ctz(bits)) : 16;
}
#endif

// Skips what a quoted attribute value takes as is: printable ASCII but quotes, '<' and '&'. The
// vector path stops on exactly the bytes the kAttr class excludes.
inline const char* skipAttrPlain(const char* q) {
#if defined(__SSE2__)
  for (;;) {
    unsigned i = firstSpecial(q, '"', '\'', '<', '&');
    q += i;
    if (i < 16) return q;
  }
#else
  while (cls(q) & kAttr) ++q;
  return q;
#endif
}

// Skips what character data takes as is. The vector path also stops on tab and line feed,
// which the kText loop after it takes.
inline const char* skipTextPlain(const char* q) {
#if defined(__SSE2__)
  for (;;) {
    unsigned i = firstSpecial(q, '<', '&', ']', '<');
    q += i;
    if (i < 16 && *q != '\t' && *q != '\n') return q;
    if (i < 16) ++q;
  }
#else
  while (cls(q) & kText) ++q;
  return q;
#endif
}

// Length of the valid UTF-8 sequence at p (lead byte >= 0x80), 0 if invalid, -1 if it may be a
// valid sequence cut by the end of the data. Stricter than expat, never looser: no overlongs,
// surrogates or code points past U+10FFFF, and not U+FFFE/U+FFFF, which XML excludes.
inline int utf8Length(const char* s, const char* end) {
  auto p = reinterpret_cast<const unsigned char*>(s);
  auto cont = [&](int i) { return (p[i] & 0xC0) == 0x80; };
  unsigned c = p[0];
  int n = 0;
  bool ok;
  if (c < 0xC2) {
    return 0;
  } else if (c < 0xE0) {
    n = 2;
    ok = cont(1);
  } else if (c < 0xF0) {
    n = 3;
    ok = cont(1) && cont(2);
    if (c == 0xE0) ok = ok && p[1] >= 0xA0;
    if (c == 0xED) ok = ok && p[1] < 0xA0;
    if (c == 0xEF) ok = ok && !(p[1] == 0xBF && p[2] >= 0xBE);
  } else if (c < 0xF5) {
    n = 4;
    ok = cont(1) && cont(2) && cont(3);
    if (c == 0xF0) ok = ok && p[1] >= 0x90;
    if (c == 0xF4) ok = ok && p[1] < 0x90;
  } else {
    return 0;
  }
  if (ok) return n;
  return end - s < n ? -1 : 0;
}

// Cold paths, in sheet_xml.cpp. Each leaves *next and *out untouched unless it returns Ok.
Step scanXmlDecl(const char* p, const char* end, const char** next);
Step scanComment(const char* p, const char* end, const char** next);
/// A reference at p ('&'): one of the five predefined entities or a character reference to a
/// character XML allows. Appends its UTF-8 to `out` when there is one.
Step scanReference(const char* p, const char* end, std::string* out, const char** next);

}  // namespace detail

/// Scans one XML document pushed in pieces. Handler provides:
///   void start(std::string_view local, const Attr* attrs, size_t n);
///   void end(std::string_view local);
///   std::string* collect();   // where character data goes now, or nullptr to drop it
///   bool halted() const;      // checked after every element event
/// A start tag, end tag or comment is handled whole, so one that is cut by the end of the data
/// is left unconsumed; character data is consumed as far as it goes.
template <class Handler>
class Scanner {
 public:
  explicit Scanner(Handler& h) : h_(h) {}

  /// Scans data[0, size), which must be followed by kPad zero bytes. `*consumed` tells how much
  /// was used; with NeedMore the rest must be passed again, followed by more data. `eof` says no
  /// more data will follow.
  Status scan(const char* data, size_t size, bool eof, size_t* consumed) {
    using detail::Step;
    const char* p = data;
    const char* end = data + size;
    Step s = Step::Ok;
    if (phase_ == Phase::Start) s = prolog(p, end, eof);
    while (s == Step::Ok && p < end) {
      if (*p == '<') {
        s = markup(p, end);
        if (h_.halted()) {
          *consumed = size_t(p - data);
          return Status::Halted;
        }
      } else {
        s = phase_ == Phase::Content ? text(p, end) : space(p, end);
      }
    }
    *consumed = size_t(p - data);
    if (s == Step::GiveUp) return Status::GiveUp;
    if (!eof) return Status::NeedMore;
    return p == end && phase_ == Phase::Epilog ? Status::Done : Status::GiveUp;
  }

 private:
  enum class Phase : uint8_t { Start, Prolog, Content, Epilog };

  // A UTF-8 byte order mark and the XML declaration, which only the start may hold.
  detail::Step prolog(const char*& p, const char* end, bool eof) {
    using detail::Step;
    const char* q = p;
    if (end - q < 6 && !eof) return Step::NeedMore;
    if (static_cast<unsigned char>(*q) == 0xEF) {
      if (std::memcmp(q, "\xEF\xBB\xBF", 3) != 0) return Step::GiveUp;
      q += 3;
      if (end - q < 6 && !eof) return Step::NeedMore;
    }
    if (std::memcmp(q, "<?xml", 5) == 0) {
      // "<?xml-stylesheet" and the like are processing instructions, which we leave to expat.
      if (!(detail::cls(q + 5) & detail::kSpace)) return Step::GiveUp;
      Step s = detail::scanXmlDecl(q, end, &q);
      if (s != Step::Ok) return s;
    }
    p = q;
    phase_ = Phase::Prolog;
    return Step::Ok;
  }

  // Whitespace before and after the root element; anything else there is left to expat.
  detail::Step space(const char*& p, const char* end) {
    while (detail::cls(p) & detail::kSpace) ++p;
    if (p >= end) return detail::Step::NeedMore;
    return *p == '<' ? detail::Step::Ok : detail::Step::GiveUp;
  }

  detail::Step markup(const char*& p, const char* end) {
    using detail::Step;
    if (phase_ == Phase::Content && shortcut(p, end)) return Step::Ok;
    if (end - p < 2) return Step::NeedMore;
    switch (p[1]) {
      case '/':
        return endTag(p, end);
      case '!':
        if (end - p < 4) return Step::NeedMore;
        if (p[2] == '-' && p[3] == '-') return detail::scanComment(p, end, &p);
        return Step::GiveUp;  // DOCTYPE, CDATA: expat's business
      case '?':
        return Step::GiveUp;
      default:
        return startTag(p, end);
    }
  }

  // The tags without attributes or prefixes that cells are made of, matched literally. Each does
  // exactly what startTag or endTag would do with the same bytes in the Content phase; anything
  // else, a mismatched end tag included, is left to them.
  bool shortcut(const char*& p, const char* end) {
    if (end - p < 7) return false;
    switch (p[1]) {
      case 'i':
        return std::memcmp(p, "<is>", 4) == 0 && openTag(p, 4, "is");
      case 't':
        return std::memcmp(p, "<t>", 3) == 0 && openTag(p, 3, "t");
      case 'v':
        return std::memcmp(p, "<v>", 3) == 0 && openTag(p, 3, "v");
      case '/':
        switch (p[2]) {
          case 't':
            return std::memcmp(p, "</t>", 4) == 0 && closeTag(p, 4, "t");
          case 'i':
            return std::memcmp(p, "</is>", 5) == 0 && closeTag(p, 5, "is");
          case 'v':
            return std::memcmp(p, "</v>", 4) == 0 && closeTag(p, 4, "v");
          case 'c':
            return std::memcmp(p, "</c>", 4) == 0 && closeTag(p, 4, "c");
          case 'r':
            return std::memcmp(p, "</row>", 6) == 0 && closeTag(p, 6, "row");
        }
    }
    return false;
  }

  template <size_t N>
  [[gnu::always_inline]] bool openTag(const char*& p, size_t len, const char (&name)[N]) {
    if (tooDeep()) return false;  // startTag gives up
    pushName(std::string_view(name, N - 1));
    p += len;
    h_.start(std::string_view(name, N - 1), attrs_.data(), 0);
    return true;
  }

  template <size_t N>
  [[gnu::always_inline]] bool closeTag(const char*& p, size_t len, const char (&name)[N]) {
    if (open_.empty()) return false;
    size_t top = open_.back();
    if (namesLen_ - top != N - 1 || std::memcmp(names_.get() + top, name, N - 1) != 0) return false;
    open_.pop_back();
    namesLen_ = top;
    if (open_.empty()) phase_ = Phase::Epilog;
    p += len;
    h_.end(std::string_view(name, N - 1));
    return true;
  }

  static std::string_view localOf(std::string_view name) {
    const char* b = name.data();
    const char* e = b + name.size();
    const char* l = e;
    while (l > b && l[-1] != ':') --l;
    return std::string_view(l, size_t(e - l));
  }

  // The stack of open element names lives in one buffer that only ever grows, since pushing
  // and popping happen for every tag.
  [[gnu::always_inline]] bool tooDeep() const { return open_.size() >= kMaxElementDepth; }
  [[gnu::always_inline]] void pushName(std::string_view name) {
    if (namesLen_ + name.size() > namesCap_) growNames(name.size());
    open_.push_back(uint32_t(namesLen_));
    char* to = names_.get() + namesLen_;
    for (char c : name) *to++ = c;  // a few bytes: cheaper than a call to memcpy
    namesLen_ += name.size();
  }
  [[gnu::noinline]] void growNames(size_t more) {
    size_t cap = std::max(2 * namesCap_, namesLen_ + more + 256);
    auto grown = std::make_unique<char[]>(cap);
    if (namesLen_) std::memcpy(grown.get(), names_.get(), namesLen_);
    names_ = std::move(grown);
    namesCap_ = cap;
  }

  detail::Step startTag(const char*& p, const char* end) {
    using namespace detail;
    if (phase_ == Phase::Epilog) return Step::GiveUp;  // a second root element
    const char* q = p + 1;
    if (!(cls(q) & kNameStart)) return q >= end ? Step::NeedMore : Step::GiveUp;
    const char* name = q;
    while (cls(++q) & kName) {
    }
    if (q >= end) return Step::NeedMore;
    std::string_view qname(name, size_t(q - name));
    attrs_.clear();
    decode_.clear();
    decoded_.clear();
    bool selfClosing = false;
    for (;;) {
      const char* ws = q;
      while (cls(q) & kSpace) ++q;
      if (q >= end) return Step::NeedMore;
      if (*q == '>') {
        ++q;
        break;
      }
      if (*q == '/') {
        if (q + 1 >= end) return Step::NeedMore;
        if (q[1] != '>') return Step::GiveUp;
        q += 2;
        selfClosing = true;
        break;
      }
      if (q == ws || !(cls(q) & kNameStart)) return Step::GiveUp;
      const char* an = q;
      while (cls(++q) & kName) {
      }
      std::string_view aname(an, size_t(q - an));
      while (cls(q) & kSpace) ++q;
      if (q >= end) return Step::NeedMore;
      if (*q != '=') return Step::GiveUp;
      ++q;
      while (cls(q) & kSpace) ++q;
      if (q >= end) return Step::NeedMore;
      char quote = *q;
      if (quote != '"' && quote != '\'') return Step::GiveUp;
      const char* v = ++q;
      bool plain = true;
      for (;;) {
        q = skipAttrPlain(q);
        char c = *q;
        if (c == quote) break;
        if (c == '"' || c == '\'') {
          ++q;
        } else if (static_cast<unsigned char>(c) >= 0x80) {
          int n = utf8Length(q, end);
          if (n <= 0) return n < 0 ? Step::NeedMore : Step::GiveUp;
          q += n;
        } else if (c == '&') {
          Step s = scanReference(q, end, nullptr, &q);
          if (s != Step::Ok) return s;
          plain = false;
        } else if (c == '\t' || c == '\n' || c == '\r') {
          ++q;
          plain = false;
        } else {
          return q >= end ? Step::NeedMore : Step::GiveUp;  // '<', control characters
        }
      }
      std::string_view value(v, size_t(q - v));
      ++q;
      for (const Attr& a : attrs_)
        if (sameName(a.name, aname)) return Step::GiveUp;  // duplicate attribute
      if (!plain) decoded_.push_back(Decoded{attrs_.size(), normalize(value)});
      attrs_.push_back(Attr{aname, localOf(aname), value});
    }
    // decode_ may have moved while it grew, so views into it are made only now.
    for (const Decoded& d : decoded_)
      attrs_[d.attr].value = std::string_view(decode_).substr(d.span.start, d.span.size);
    std::string_view local = localOf(qname);
    if (phase_ == Phase::Prolog) phase_ = Phase::Content;
    if (selfClosing) {
      if (open_.empty()) phase_ = Phase::Epilog;
    } else {
      if (tooDeep()) return Step::GiveUp;  // expat, re-reading, refuses it
      pushName(qname);
    }
    p = q;
    h_.start(local, attrs_.data(), attrs_.size());
    if (selfClosing && !h_.halted()) h_.end(local);
    return Step::Ok;
  }

  detail::Step endTag(const char*& p, const char* end) {
    using namespace detail;
    const char* q = p + 2;
    if (!(cls(q) & kNameStart)) return q >= end ? Step::NeedMore : Step::GiveUp;
    const char* name = q;
    while (cls(++q) & kName) {
    }
    std::string_view qname(name, size_t(q - name));
    while (cls(q) & kSpace) ++q;
    if (q >= end) return Step::NeedMore;
    if (*q != '>' || open_.empty()) return Step::GiveUp;
    size_t top = open_.back();
    if (!sameName(std::string_view(names_.get() + top, namesLen_ - top), qname))
      return Step::GiveUp;  // mismatched tag
    open_.pop_back();
    namesLen_ = top;
    if (open_.empty()) phase_ = Phase::Epilog;
    p = q + 1;
    h_.end(localOf(qname));
    return Step::Ok;
  }

  // Character data inside the root element, up to the next '<'.
  detail::Step text(const char*& p, const char* end) {
    using namespace detail;
    std::string* out = h_.collect();
    const char* run = p;
    const char* q = p;
    for (;;) {
      q = skipTextPlain(q);
      auto c = static_cast<unsigned char>(*q);
      if (c >= 0x80) {
        int n;
        while ((n = utf8Length(q, end)) > 0 && static_cast<unsigned char>(q[n]) >= 0x80) q += n;
        if (n > 0) {
          q += n;
          continue;
        }
        if (out) out->append(run, size_t(q - run));
        p = q;
        return n < 0 ? Step::NeedMore : Step::GiveUp;
      }
      if (out) out->append(run, size_t(q - run));
      p = q;
      if (q >= end) return Step::NeedMore;
      switch (c) {
        case '<':
          return Step::Ok;
        case '&': {
          Step s = scanReference(q, end, out, &q);
          if (s != Step::Ok) return s;
          break;
        }
        case '\r':  // expat reports CR LF and a lone CR as LF
          if (q + 1 >= end) return Step::NeedMore;
          if (out) out->push_back('\n');
          q += q[1] == '\n' ? 2 : 1;
          break;
        case ']':
          if (end - q < 3) return Step::NeedMore;
          if (q[1] == ']' && q[2] == '>') return Step::GiveUp;
          if (out) out->push_back(']');
          ++q;
          break;
        default:
          return Step::GiveUp;  // control characters
      }
      run = p = q;
    }
  }

  struct Span {
    size_t start, size;
  };
  struct Decoded {
    size_t attr;
    Span span;
  };

  // Appends to decode_ an attribute value as expat reports it: references replaced, and each
  // tab, line feed, carriage return or CR LF pair as one space.
  Span normalize(std::string_view v) {
    size_t start = decode_.size();
    const char* q = v.data();
    const char* end = q + v.size();
    while (q < end) {
      char c = *q;
      if (c == '&') {
        detail::scanReference(q, end, &decode_, &q);  // validated while the tag was scanned
      } else if (c == '\t' || c == '\n' || c == '\r') {
        decode_.push_back(' ');
        q += c == '\r' && q + 1 < end && q[1] == '\n' ? 2 : 1;
      } else {
        decode_.push_back(c);
        ++q;
      }
    }
    return Span{start, decode_.size() - start};
  }

  Handler& h_;
  Phase phase_ = Phase::Start;
  std::unique_ptr<char[]> names_;  // qualified names of the open elements, back to back
  size_t namesLen_ = 0;
  size_t namesCap_ = 0;
  std::vector<uint32_t> open_;  // where each starts in names_
  std::vector<Attr> attrs_;
  std::string decode_;  // normalised values of this tag's attributes
  std::vector<Decoded> decoded_;
};

}  // namespace vetkit::sheetxml
