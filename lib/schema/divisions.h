// The GB/T 2260 division table, current and historical codes: an identity number keeps the
// address code in force when it was issued, so a code abolished in 1999 stays valid in it.
#pragma once

#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace vetkit {

class CodeTable;

/// A six-digit code of a county-level division (not a province's or a city's: ..00).
bool isCountyCode(std::string_view code);

/// The county a person's items go back to (根据对象户籍下发各地): the county of the hukou
/// division when `by_hukou` (a local zone stands for the division it lies in), else — or when
/// the hukou names no county — the collecting unit; "" when neither is known. `units` is the
/// schema's unit table.
std::string sendbackCounty(const CodeTable* units, std::string_view hukou, std::string_view unit,
                           bool by_hukou);

struct Division {
  std::string code;  // six digits
  std::string name;  // full name with its parents: 湖南省娄底市双峰县
  bool current = true;
};

class Divisions {
 public:
  /// Reads the tab-separated table written by scripts/gen-divisions.
  bool load(const std::string& path, std::string* err);
  /// The entry for a six-digit code, or nullptr.
  const Division* find(std::string_view code) const;
  /// The current code whose full name is `name`, or whose name ends with `name` when exactly
  /// one current division does (双峰县 -> 431321). Empty when unknown or ambiguous.
  std::string codeForName(std::string_view name) const;
  /// codeForName() of the longest leading part of `text` that ends a division's name (省, 市,
  /// 县, 区, 旗, 州, 盟): 湖南省娄底市双峰县永丰镇 -> 431321. Empty when none.
  std::string codeForLeadingName(std::string_view text) const;
  size_t size() const { return entries_.size(); }
  /// The name without its parents' (湖南省娄底市双峰县 -> 双峰县), the full name when the
  /// parent is unknown; "" for an unknown code.
  std::string shortName(std::string_view code) const;
  /// The prefecture-level code of a county or city code (431321 -> 431300), "" if not one.
  static std::string prefectureOf(std::string_view code);

 private:
  std::vector<Division> entries_;
  std::unordered_map<std::string, size_t> by_code_;
  std::unordered_map<std::string, std::string> by_name_;  // full and unique short names
};

}  // namespace vetkit
