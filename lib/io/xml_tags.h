// A tag-level view of XML for editing parts of a package in place: find a tag, read or set an
// attribute, and copy everything else through untouched. It is not a parser — entities are
// not expanded and nothing is validated — which is the point: the marked copy of a workbook
// must keep every byte it does not mean to change, and expat would hand back a re-serialised
// document instead. Comments, CDATA sections and processing instructions are skipped whole.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace vetkit {

struct XmlTag {
  enum class Kind { Start, End, Empty, Other };  // <a>, </a>, <a/>, <!-- -->/<?pi?>/<!DOCTYPE>
  Kind kind = Kind::Other;
  std::string_view text;    // the whole tag, '<' through '>'
  std::string_view prefix;  // "x" of <x:row>, empty without one
  std::string_view local;   // "row"

  bool is(std::string_view name) const { return local == name; }
  bool opens() const { return kind == Kind::Start || kind == Kind::Empty; }
  /// The raw (still escaped) value of the attribute written exactly `name`; false if absent.
  bool attr(std::string_view name, std::string_view* value) const;
  /// The same for an attribute of local name `name` under any prefix (r:id, ns1:id...).
  bool prefixedAttr(std::string_view name, std::string_view* value) const;
  /// The tag with attribute `name` set to `value` (already escaped): replaced in place, or
  /// added after the last attribute.
  std::string withAttr(std::string_view name, std::string_view value) const;
  /// A start tag written as an empty-element tag, or the reverse.
  std::string asStart() const;
};

/// The length of the markup starting at `s[0] == '<'`, through its '>'; 0 when `s` ends first.
size_t xmlTagLength(std::string_view s);
/// Parses the markup `text` (as measured by xmlTagLength).
XmlTag parseXmlTag(std::string_view text);

/// Calls `f(tag, offset)` for each tag of `xml` in order; `f` returns false to stop.
template <class F>
void forEachXmlTag(std::string_view xml, F f) {
  for (size_t p = xml.find('<'); p != std::string_view::npos; p = xml.find('<', p)) {
    size_t n = xmlTagLength(xml.substr(p));
    if (n == 0) return;
    if (!f(parseXmlTag(xml.substr(p, n)), p)) return;
    p += n;
  }
}

/// Text escaped for element content or an attribute value (where a line break reads as a
/// space); controls XML cannot hold are dropped. HTML pages use it too: the same five
/// entities are HTML's.
std::string xmlEscape(std::string_view s);
/// xmlEscape(s) appended to `*out`.
void appendXmlEscaped(std::string* out, std::string_view s);
/// The predefined and numeric entities of `s` expanded.
std::string xmlUnescape(std::string_view s);

}  // namespace vetkit
