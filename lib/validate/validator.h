// The rules of DOMAIN.md §4 applied to records of the stream. Each finding is a Diagnostic
// located at the cell (file, sheet, row, column letter), with a stable code, the severity the
// rule set gives it, a message in the chosen language, and the offending value — masked when
// it is an identity or phone number.
#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/diag.h"
#include "core/packed_table.h"
#include "record/record.h"
#include "schema/rules.h"
#include "schema/schema.h"

namespace vetkit {

struct ValidateOptions {
  Lang lang = Lang::Zh;
  bool mask = true;        // mask identity and phone numbers in values
  std::string photos_dir;  // empty: photos are not checked
  PartialDate today;       // future-date compares with this day
};

class Validator {
 public:
  Validator(const Schema& schema, const RuleSet& rules, ValidateOptions options);

  /// Checks one record, appending its findings (rules that are off report nothing).
  /// Records are remembered by identity key to find duplicates across calls.
  void check(const Record& r, std::vector<Diagnostic>* out);

  /// A finding not tied to a record's values (importer problems), with the rule's severity and
  /// message; false when the rule is off.
  bool adopt(Diagnostic* d) const;

 private:
  struct Context;
  /// `message_key` words the finding when it is not the rule's own message.
  void report(Context& c, const Field* field, const std::string& code, MessageArgs args,
              std::string value, std::string_view message_key = {}) const;
  void checkTypesAndCodes(Context& c) const;
  void checkRequired(Context& c) const;
  void checkIdentity(Context& c) const;
  void checkDates(Context& c) const;
  void checkCategory(Context& c) const;
  void checkRanges(Context& c) const;
  void checkPhonesNames(Context& c) const;
  void checkPhoto(Context& c) const;
  void checkDuplicate(Context& c);
  /// How field `f` is named in a message on record `r`: the column as the operator wrote it,
  /// and the field it was read as where the two differ.
  std::string label(const Record& r, const Field* f) const;

  const Schema& schema_;
  const RuleSet& rules_;
  ValidateOptions options_;
  // duplicate-id: identity key (packIdNumber()) -> where it was first seen. This is the one
  // part of vetvalidate whose memory grows with the input (16 bytes a slot); three quarters
  // full at most: short probe runs still, and 5,000,000 people fit in 8M slots (128 MB).
  struct Seen {
    uint32_t where;  // index into places_
    uint32_t row;
  };
  PackedMap<Seen, 75> seen_;
  std::vector<std::string> places_;  // "src\tsheet"
  std::unordered_map<std::string, uint32_t> place_index_;
  std::string last_src_, last_sheet_;
  uint32_t last_place_ = 0;
};

}  // namespace vetkit
