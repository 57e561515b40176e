// Folding turns what people type into one spelling: full-width digits and letters become
// ASCII (NFKC), the ideographic space becomes a space, and surrounding blanks go.
#pragma once

#include <string>
#include <string_view>

namespace vetkit {

/// Unicode NFKC. Text that is already stable (nearly all of it) is copied without calling
/// utf8proc. Invalid UTF-8 is returned unchanged.
std::string nfkc(std::string_view s);

/// Strips ASCII blanks (space, tab, CR, LF, VT, FF) from both ends. Inline: it is asked of
/// every cell, and nearly always answered by the first and the last byte.
inline std::string_view trimBlanks(std::string_view s) {
  auto blank = [](char c) { return c == ' ' || (c >= '\t' && c <= '\r'); };
  if (s.empty() || (!blank(s.front()) && !blank(s.back()))) return s;
  size_t b = 0, e = s.size();
  while (b < e && blank(s[b])) ++b;
  while (e > b && blank(s[e - 1])) --e;
  return s.substr(b, e - b);
}

/// NFKC, then trimmed: the form every cell value is read in.
std::string foldValue(std::string_view s);

/// foldValue() without a copy when folding changes nothing but the ends (nearly always): a
/// view into `s`, or else into `storage`, where the NFKC form is built.
std::string_view foldValueView(std::string_view s, std::string* storage);

/// The matching key of a header label or code alias: folded, ASCII lower-cased, with every
/// blank, '*', ':' and bracketed note removed — so "身份证号码（18位）" and "* 身份证号码"
/// both become "身份证号码". Returns empty when nothing is left.
std::string foldKey(std::string_view s);

}  // namespace vetkit
