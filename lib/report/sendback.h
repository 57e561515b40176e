// Send-back packages: the problem and missing data of each county, in a workbook the county
// corrects and re-submits (DOMAIN.md §1: 根据对象户籍下发各地). Items are kept per county
// until written: they grow with the findings, not with the records.
#pragma once

#include <map>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/diag.h"
#include "record/record.h"
#include "report/merge_findings.h"
#include "schema/schema.h"
#include "store/sendback_log.h"

namespace vetkit {

struct SendbackOptions {
  enum class By { Hukou, Unit } by = By::Hukou;
  Lang lang = Lang::Zh;
  bool mask = true;  // mask the identity number that names the person
};

/// One finding to be corrected: where it is in the county's own file, and what is wrong.
struct SendbackItem {
  std::string id;  // stable across rounds: the same person, field and rule give the same id
  std::string file, sheet, column, field, rule, message, value, name, id_number;
  std::string source_unit;  // a merge conflict's value: the unit whose sheet holds it
  // The person's identity key as the store holds it (the store's log of the round; never
  // shown) and the county that owns the fix (their hukou county); an item that concerns two
  // counties is in both packages (`cross_county`) and closes when either fixes it.
  std::string key, owner;
  bool cross_county = false;
  int row = 0;
  Severity severity = Severity::Error;
};

struct SendbackPackage {
  std::string county;  // code; "" when neither registration nor unit is known
  std::string name, file;
  std::vector<SendbackItem> problems, missing;
  std::vector<SendbackItem> cross;       // values of one person that two units' sheets disagree on
  std::vector<SendbackItem> to_collect;  // on a department's roster, collected by nobody
  size_t people = 0;                     // records with at least one item
};

class Sendback {
 public:
  Sendback(const Schema& schema, SendbackOptions options);

  /// The county a record goes back to: the division of its household registration (Hukou)
  /// or its collecting unit (Unit); falls back to the unit, then to "".
  std::string countyOf(const Record& r) const;
  /// Files the findings about one record under its county.
  void add(const Record& r, const std::vector<Diagnostic>& diags);
  /// Files a merge conflict between sources of several units under each of them: every value
  /// with the unit, file, row and column it came from (a conflict within one unit is that
  /// unit's to correct and is filed under it alone).
  void addConflict(const MergeConflict& c);
  /// Files a finding of a cross-check with a department (vetdiff --dept) under the county it
  /// names (or, split by unit, its unit's): a person no county collected is to be collected,
  /// a value ours lacks is missing data, anything else problem data.
  void addCross(const CrossItem& c);
  /// Writes DIR/<code>-<name>.xlsx per county with items, and DIR/index.csv listing them;
  /// the files of an earlier round there (those its index.csv lists) move to DIR/rounds/N/
  /// first, so that DIR holds only the current round. False with `err` on the first failure.
  bool write(const std::string& dir, std::string* err);
  const std::map<std::string, SendbackPackage>& packages() const { return packages_; }
  /// Every item filed, as the store's log keeps them (sendback_log.h), once the records are
  /// read: the person's key and the owning county filled in from them.
  std::vector<SendbackLogItem> logItems();

  /// Identity keys and hukou counties learnt from every record read (add() is called for each,
  /// with or without findings): a department's item names its person masked, a merge conflict
  /// names no county.
  void learn(const Record& r, const std::string& full_id, const std::string& county);

 private:
  bool writePackage(const std::string& dir, SendbackPackage& p, std::string* err) const;
  void addListedTwice(const MergeConflict& c, const std::vector<std::string>& units,
                      const std::string& names);

  const Schema& schema_;
  SendbackOptions options_;
  const Field *hukou_ = nullptr, *unit_ = nullptr, *name_ = nullptr, *id_ = nullptr;
  std::map<std::string, SendbackPackage> packages_;
  std::set<std::string> cross_people_;  // county \x1f key of each person with a department item
  void resolve();
  // Keys and counties wanted by items whose person is learnt from the records (learn()):
  // masked key \x1f name → full key; key → hukou county.
  std::unordered_map<std::string, std::string> masked_keys_, hukou_of_;
  bool resolved_ = false;
};

}  // namespace vetkit
