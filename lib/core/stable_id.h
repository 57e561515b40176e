// The id of an item sent back to a county: the same parts (person, field, rule) give the same
// id in every round, so that a county's reply and the next round's check name the same item.
// Built from what makes the item the same item, never from values, which change when fixed.
#pragma once

#include <cstdint>
#include <cstdio>
#include <initializer_list>
#include <string>
#include <string_view>

namespace vetkit {

/// A letter (what kind of item) and 15 hex digits of FNV-1a over `parts`.
inline std::string stableItemId(char kind, std::initializer_list<std::string_view> parts) {
  uint64_t h = 1469598103934665603ull;
  for (std::string_view s : parts) {
    for (unsigned char c : s) h = (h ^ c) * 1099511628211ull;
    h = (h ^ 0x1f) * 1099511628211ull;  // a separator: ("ab","c") is not ("a","bc")
  }
  char buf[20];
  std::snprintf(buf, sizeof buf, "%c%015llx", kind, static_cast<unsigned long long>(h >> 4));
  return buf;
}

}  // namespace vetkit
