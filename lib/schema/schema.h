// The schema: fields, their header labels and types, code tables and units, read from YAML
// (schemas/veteran.yaml). Nothing about the domain is written in C++; it is all looked up here.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/lang.h"
#include "schema/divisions.h"
#include "schema/messages.h"

namespace vetkit {

/// Hash for maps keyed by std::string that are looked up with string_views, so a lookup costs
/// no allocation.
struct StringHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};
template <typename V>
using StringMap = std::unordered_map<std::string, V, StringHash, std::equal_to<>>;

enum class FieldType { Text, Code, CodeSet, Date, Number, YesNo, IdNumber, Phone, Division };

/// "text", "code", ... as written in the YAML.
const char* fieldTypeName(FieldType t);

struct CodeEntry {
  std::string code;
  std::string label;
  std::string group;     // category table: veteran / family / disabled
  bool local = false;    // units table: a unit with no GB/T 2260 code of its own
  std::string division;  // units table: the official division a local unit lies in
};

class CodeTable {
 public:
  std::string id;
  std::vector<CodeEntry> entries;

  /// The entry whose code is exactly `code`.
  const CodeEntry* find(std::string_view code) const;
  /// The entry a cell's text means: its code, label or an alias, compared after foldKey().
  const CodeEntry* lookup(std::string_view text) const;
  /// The entry whose label or alias is the longest prefix of `text` (双峰县退役军人事务局 ->
  /// 双峰县), for fields whose cells name an office or place inside a unit. Codes and
  /// one-character spellings never match this way.
  const CodeEntry* lookupPrefix(std::string_view text) const;

 private:
  friend class SchemaLoader;
  // Spellings as written (and their folded keys) first, so that the common case needs no
  // folding; then folded keys for everything else.
  StringMap<size_t> by_code_, by_spelling_, by_key_;
  // Codes of one or two digits (nearly all of them) by direct index: 0-9, then 10 + 00..99.
  std::array<int16_t, 110> by_digits_{};  // entry index + 1; 0 when none
};

struct Field {
  std::string id;
  std::vector<std::string> labels;
  FieldType type = FieldType::Text;
  const CodeTable* table = nullptr;
  std::vector<std::string> unit_suffixes;  // number fields: 平方米, ㎡ ... (folded)
  bool required_all = false;
  std::vector<std::string> required_for;  // category codes (groups already expanded)
  // Categories the item concerns at all (`applies_to`, groups expanded): the honour plaque
  // is for veterans' and servicemen's families, not every person served. Empty: every
  // category, or those it is required for when it is required for some only.
  std::vector<std::string> applies_to;
  bool required_column = false;
  bool fold = true;           // NFKC; false keeps a person's own words as typed (only trimmed)
  bool match_prefix = false;  // a code may be named by a longer text that starts with its label
  // `about: collection`: the field says how the record was collected (when, by whom, by which
  // unit), not who the person is; sources that differ in it are no conflict about the person.
  bool about_collection = false;
  size_t index = 0;  // position in Schema::fields()

  /// How messages and tables name the field in `lang`: its first Chinese label, its id in
  /// English (and when it has no label).
  const std::string& name(Lang lang) const {
    return lang == Lang::Zh && !labels.empty() ? labels[0] : id;
  }
};

/// How a header cell that is none of the labels is matched to a field (`header_matching` in the
/// schema; lib/import/header.cpp applies it).
struct HeaderMatching {
  /// Words that mean the same in a header (时间, 日期, 年月): each group is one word.
  std::vector<std::vector<std::string>> synonyms;
  /// Words that say nothing about which field a column is: dropped anywhere (`words`) or at
  /// the end (`endings`), for every field ("all") or for fields of one type ("yesno").
  struct Ignore {
    std::vector<std::string> words, endings;
  };
  std::vector<std::pair<std::string, Ignore>> ignore;
  double accept = 0.8;   // a resemblance this close maps the column (with a warning)
  double suggest = 0.5;  // this close is named as the nearest field of an unknown column
  double margin = 0.1;   // the best field must lead the next by this much to be taken
};

class Schema {
 public:
  /// Loads a schema file; its division table is read from beside it.
  static std::unique_ptr<Schema> load(const std::string& path, std::string* err);
  /// $VETKIT_SCHEMA_DIR/veteran.yaml, else the source tree's or the installed schema.
  static std::string defaultPath();

  const std::string& name() const { return name_; }
  const std::vector<Field>& fields() const { return fields_; }
  const Field* field(std::string_view id) const;
  /// The fields of a comma-separated list of ids ("name,birth_date"), appended to `out`;
  /// false with `err` naming the first unknown id.
  bool fields(std::string_view list, std::vector<const Field*>* out, std::string* err) const;
  /// The field a header cell names, matched on foldKey() of its labels and its id.
  const Field* fieldForHeader(std::string_view header) const;
  const HeaderMatching& headerMatching() const { return header_matching_; }
  /// Columns such as 序号 that carry nothing about the person.
  bool isIgnoredColumn(std::string_view header) const;
  const CodeTable* table(std::string_view id) const;
  /// The field holding the category, which decides what else is required.
  const Field* categoryField() const { return category_field_; }
  /// true / false for a yes-no spelling (是, 无, √ ...), nothing when unknown.
  std::optional<bool> yesno(std::string_view text) const;
  const std::vector<std::string>& setSeparators() const { return set_separators_; }
  /// A placeholder for "not applicable" (/, -, 无 ...), read as an empty cell.
  bool isEmptyValue(std::string_view text) const {
    // Asked of every cell: most are rejected by length or first byte without hashing.
    if (text.empty() || text.size() > empty_max_len_ ||
        !empty_first_[static_cast<unsigned char>(text[0])])
      return false;
    return empty_values_.count(text) > 0;
  }
  /// True when `text` opens a footer or note row (合计, 填表人 ...).
  bool isFooter(std::string_view text) const;
  /// Whether records of `category` (a code) must have `f`.
  bool isRequired(const Field& f, std::string_view category) const;
  /// Whether `f` concerns records of `category` (what a fill rate or progress counts).
  bool applies(const Field& f, std::string_view category) const;
  const Divisions& divisions() const { return divisions_; }
  /// The county a division value names (a county code, or a local unit's division), else "".
  std::string countyOf(std::string_view division) const;
  const Messages& messages() const { return messages_; }
  /// The validation rules file named by the schema (schemas/rules.yaml), or "".
  const std::string& rulesPath() const { return rules_path_; }

 private:
  friend class SchemaLoader;
  std::string name_;
  std::vector<Field> fields_;
  std::vector<std::unique_ptr<CodeTable>> tables_;
  StringMap<size_t> field_by_id_, field_by_label_;
  StringMap<bool> yesno_;
  HeaderMatching header_matching_;
  std::vector<std::string> ignored_columns_;  // folded
  std::vector<std::string> set_separators_;
  StringMap<bool> empty_values_;
  std::array<bool, 256> empty_first_{};  // first bytes of the empty values
  size_t empty_max_len_ = 0;
  std::vector<std::string> footer_markers_;
  const Field* category_field_ = nullptr;
  Divisions divisions_;
  Messages messages_;
  std::string rules_path_;
};

}  // namespace vetkit
