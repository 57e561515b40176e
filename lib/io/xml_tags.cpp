#include "io/xml_tags.h"

#include <cstdlib>

#include "text/utf8.h"

namespace vetkit {

namespace {

bool isSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

// Walks the attributes of a start or empty tag: f(name, value, name_offset, value_offset).
template <class F>
void forEachAttr(std::string_view tag, F f) {
  size_t p = 1;
  while (p < tag.size() && !isSpace(tag[p]) && tag[p] != '>' && tag[p] != '/') ++p;
  while (p < tag.size()) {
    while (p < tag.size() && isSpace(tag[p])) ++p;
    size_t name_start = p;
    while (p < tag.size() && !isSpace(tag[p]) && tag[p] != '=' && tag[p] != '>' && tag[p] != '/')
      ++p;
    if (p == name_start) return;
    std::string_view name = tag.substr(name_start, p - name_start);
    while (p < tag.size() && isSpace(tag[p])) ++p;
    if (p >= tag.size() || tag[p] != '=') return;
    ++p;
    while (p < tag.size() && isSpace(tag[p])) ++p;
    if (p >= tag.size() || (tag[p] != '"' && tag[p] != '\'')) return;
    char q = tag[p++];
    size_t end = tag.find(q, p);
    if (end == std::string_view::npos) return;
    if (!f(name, tag.substr(p, end - p), name_start, p)) return;
    p = end + 1;
  }
}

}  // namespace

size_t xmlTagLength(std::string_view s) {
  auto through = [&](std::string_view close, size_t from) -> size_t {
    size_t e = s.find(close, from);
    return e == std::string_view::npos ? 0 : e + close.size();
  };
  if (s.size() < 2) return 0;
  if (s[1] == '!') {
    if (s.size() < 4) return 0;
    if (s.substr(0, 4) == "<!--") return through("-->", 4);
    std::string_view cdata = "<![CDATA[";
    if (s.size() < cdata.size() && cdata.substr(0, s.size()) == s) return 0;  // not known yet
    if (s.substr(0, cdata.size()) == cdata) return through("]]>", cdata.size());
  }
  if (s[1] == '?') return through("?>", 2);
  char quote = 0;
  for (size_t i = 1; i < s.size(); ++i) {
    char c = s[i];
    if (quote) {
      if (c == quote) quote = 0;
    } else if (c == '"' || c == '\'') {
      quote = c;
    } else if (c == '>') {
      return i + 1;
    }
  }
  return 0;
}

XmlTag parseXmlTag(std::string_view text) {
  XmlTag t;
  t.text = text;
  if (text.size() < 3 || text[1] == '!' || text[1] == '?') return t;
  size_t p = 1;
  t.kind = XmlTag::Kind::Start;
  if (text[1] == '/') {
    t.kind = XmlTag::Kind::End;
    p = 2;
  } else if (text[text.size() - 2] == '/') {
    t.kind = XmlTag::Kind::Empty;
  }
  size_t e = p;
  while (e < text.size() && !isSpace(text[e]) && text[e] != '>' && text[e] != '/') ++e;
  std::string_view name = text.substr(p, e - p);
  size_t colon = name.find(':');
  if (colon != std::string_view::npos) {
    t.prefix = name.substr(0, colon);
    t.local = name.substr(colon + 1);
  } else {
    t.local = name;
  }
  return t;
}

bool XmlTag::attr(std::string_view name, std::string_view* value) const {
  bool found = false;
  forEachAttr(text, [&](std::string_view n, std::string_view v, size_t, size_t) {
    if (n != name) return true;
    *value = v;
    found = true;
    return false;
  });
  return found;
}

bool XmlTag::prefixedAttr(std::string_view name, std::string_view* value) const {
  bool found = false;
  forEachAttr(text, [&](std::string_view n, std::string_view v, size_t, size_t) {
    size_t colon = n.find(':');
    if (colon == std::string_view::npos || n.substr(colon + 1) != name ||
        n.substr(0, colon) == "xmlns")
      return true;
    *value = v;
    found = true;
    return false;
  });
  return found;
}

std::string XmlTag::withAttr(std::string_view name, std::string_view value) const {
  std::string out;
  forEachAttr(text, [&](std::string_view n, std::string_view v, size_t, size_t at) {
    if (n != name) return true;
    out.append(text.substr(0, at));
    out.append(value);
    out.append(text.substr(at + v.size()));
    return false;
  });
  if (!out.empty()) return out;
  // Added last, where a writer would have put it: <c r="B5" t="s" s="7">.
  size_t end = text.size() - (kind == Kind::Empty ? 2 : 1);
  while (end > 0 && isSpace(text[end - 1])) --end;
  out.append(text.substr(0, end));
  out += ' ';
  out.append(name);
  out += "=\"";
  out.append(value);
  out += '"';
  out.append(text.substr(end));
  return out;
}

std::string XmlTag::asStart() const {
  std::string out(text);
  if (kind == Kind::Empty) {
    size_t slash = out.size() - 2;
    while (slash > 0 && isSpace(out[slash - 1])) --slash;
    out.erase(slash, out.size() - 1 - slash);
  }
  return out;
}

void appendXmlEscaped(std::string* out, std::string_view s) {
  for (char c : s) {
    switch (c) {
      case '&':
        *out += "&amp;";
        break;
      case '<':
        *out += "&lt;";
        break;
      case '>':
        *out += "&gt;";
        break;
      case '"':
        *out += "&quot;";
        break;
      case '\'':
        *out += "&apos;";
        break;
      default:
        // Controls other than tab, line feed and carriage return are not allowed in XML 1.0.
        if (static_cast<unsigned char>(c) >= 0x20 || c == '\n' || c == '\t' || c == '\r') *out += c;
    }
  }
}

std::string xmlEscape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  appendXmlEscaped(&out, s);
  return out;
}

std::string xmlUnescape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '&') {
      out += s[i];
      continue;
    }
    size_t semi = s.find(';', i);
    if (semi == std::string_view::npos) {
      out += s[i];
      continue;
    }
    std::string_view e = s.substr(i + 1, semi - i - 1);
    if (e == "amp")
      out += '&';
    else if (e == "lt")
      out += '<';
    else if (e == "gt")
      out += '>';
    else if (e == "quot")
      out += '"';
    else if (e == "apos")
      out += '\'';
    else if (e.size() > 1 && e[0] == '#') {
      std::string digits(e.substr(e[1] == 'x' || e[1] == 'X' ? 2 : 1));
      unsigned long cp =
          std::strtoul(digits.c_str(), nullptr, e[1] == 'x' || e[1] == 'X' ? 16 : 10);
      appendUtf8(out, char32_t(cp));
    } else {
      out.append(s.substr(i, semi - i + 1));
    }
    i = semi;
  }
  return out;
}

}  // namespace vetkit
