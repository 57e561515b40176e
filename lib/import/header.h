// Finding the header row of a sheet typed by people: below a title row (娄底市…信息采集表),
// a note row (填报单位：…) and merged cells, possibly split over two rows where a group
// heading (享受待遇) stands over its sub-columns (是否低保, 光荣牌悬挂情况).
//
// A header cell is matched to a field by what it means, not only by the schema's list of
// labels: folded (width, blanks, line breaks, punctuation, notes in brackets), with the
// synonyms and filler words the schema declares (`header_matching`), and failing that by a
// scored resemblance. Only a label or a synonym maps a column silently; a resemblance maps it
// with a warning, and a weak or ambiguous one leaves the column unknown, naming the nearest
// field. Runs once per sheet, on at most kHeaderSearchRows rows.
#pragma once

#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "io/sheet.h"
#include "schema/profile.h"
#include "schema/schema.h"

namespace vetkit {

struct HeaderColumn {
  int col = 0;
  std::string text;              // the header cell as written (the sub-header under a group)
  const Field* field = nullptr;  // nullptr: unknown (kept under _extra) or ignored
  bool ignored = false;          // a column such as 序号
  bool duplicate = false;        // a second column for a field already mapped
  // A set typed over several columns: `part`, one more column of a set field mapped before
  // (养老保险 beside 医疗保险, both 社会保险), whose members join the first's; `member`, a
  // column standing for one member (伤残抚恤 under 享受国家抚恤和补助), where a mark (√, 是)
  // means that member.
  bool part = false;
  const CodeEntry* member = nullptr;
  bool guessed = false;            // mapped by resemblance, not by a label or synonym: reported
  const Field* nearest = nullptr;  // unknown column: the closest field, when one is close
};

struct HeaderMap {
  int row = 0;                        // the (last) header row; data starts below it
  int first_row = 0;                  // the first header row when the header spans two rows
  std::vector<HeaderColumn> columns;  // in column order
  int mappedCount() const;
  /// The field of column `col`, or nullptr.
  const HeaderColumn* column(int col) const;
};

/// How many rows from the top of a sheet are searched for the header.
constexpr size_t kHeaderSearchRows = 30;

/// Matches header texts to the schema's fields (and a profile's mappings, tried first).
class HeaderMatcher {
 public:
  HeaderMatcher(const Schema& schema, const Profile* profile);

  enum class How { None, Label, Synonym, Resemblance };
  struct Match {
    const Field* field = nullptr;  // the field the header maps to, if any
    How how = How::None;
    double score = 0;                // 1 for a label or synonym
    const Field* nearest = nullptr;  // unmapped: the closest field scoring `suggest` or more
  };
  /// By a label, the profile, or the schema's synonyms and filler words: cheap, and certain.
  Match certain(std::string_view header) const;
  /// certain(), else the best resemblance (see header_matching in the schema).
  Match match(std::string_view header) const;

 private:
  struct Variant {  // the filler words of one set of field types
    std::vector<std::u32string> words, endings;
    std::unordered_map<std::u32string, std::vector<const Field*>> fields;  // canonical label
  };
  // Each word of a synonym group replaced by the group's one character.
  std::u32string synonymous(const std::u32string& s) const;
  // `s` without the filler words of `v`.
  std::u32string canonical(const Variant& v, std::u32string s) const;

  const Schema& schema_;
  const Profile* profile_;
  const HeaderMatching& config_;
  std::vector<std::pair<std::u32string, char32_t>> synonyms_;  // longest word first
  std::vector<Variant> variants_;
  std::vector<size_t> variant_of_;                   // by field index
  std::vector<std::vector<std::u32string>> labels_;  // by field index: canonical labels
};

/// Picks the header among the first rows of a sheet: the row naming the most fields by label
/// or synonym (at least two), merged with the row directly below or above when that one is a
/// header row too (most of its cells name fields). In a two-row header the lower cell names
/// its column, read alone or under its group heading; a group heading never overrides a
/// sub-header that maps. A set field may take several columns (see HeaderColumn::part and
/// ::member); any other field, one. With `forced_row` > 0 that row is the header. Returns false
/// when no row qualifies.
bool detectHeader(const Schema& schema, const Profile* profile, const std::vector<Row>& rows,
                  int forced_row, HeaderMap* out);

}  // namespace vetkit
