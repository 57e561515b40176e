// A mapping profile: how the columns of one kind of sheet — a department's extract, an old
// template, a county's own headers — map to schema fields, for headers the schema's labels do
// not know (schemas/profiles/*.yaml, `--profile FILE`), plus the operator's own `--map
// '表头=字段'` given on the command line, which is a one-line profile.
#pragma once

#include <string>
#include <string_view>

#include "schema/schema.h"

namespace vetkit {

class Profile {
 public:
  /// Reads `columns: {header: field}` (field by id or label; an optional `name`, and
  /// `partial: true` for an extract that holds only some fields). False with `err` set, in
  /// `lang`, when the file is missing or malformed or names no field.
  static bool load(const std::string& path, const Schema& schema, Profile* out, std::string* err,
                   Lang lang = Lang::Zh);
  /// Adds one `header=field` mapping (--map); the field by id or by one of its labels. False,
  /// with `err` set in `lang` (and the nearest field id when one is close), when `spec` is not
  /// of that form or names no field.
  bool addMapping(std::string_view spec, const Schema& schema, std::string* err,
                  Lang lang = Lang::Zh);
  /// The field a header names in this profile (compared after foldKey), or nullptr.
  const Field* fieldForHeader(std::string_view header) const;
  const std::string& name() const { return name_; }
  bool empty() const { return fields_.empty(); }
  /// An extract that holds only some fields (`partial: true`): columns the schema requires
  /// may be absent. A sheet mapped by a profile is otherwise checked for every column.
  bool partial() const { return partial_; }

 private:
  // The field `text` names: an id, else a label; nullptr when none.
  static const Field* namedField(const Schema& schema, std::string_view text);
  // "no field X" in `lang`, with the nearest field id.
  static std::string noField(const Schema& schema, std::string_view where, std::string_view text,
                             Lang lang);

  std::string name_;
  bool partial_ = false;
  StringMap<const Field*> fields_;  // folded header -> field
};

/// The field a header cell names: the profile's mapping first, then the schema's labels.
const Field* fieldForHeader(const Schema& schema, const Profile* profile, std::string_view header);

}  // namespace vetkit
