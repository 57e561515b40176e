// A mapping profile: how the columns of one kind of foreign sheet — a department's extract,
// an old template — map to schema fields, for headers the schema's labels do not know
// (schemas/profiles/*.yaml, `vetimport --profile`).
#pragma once

#include <string>
#include <string_view>

#include "schema/schema.h"

namespace vetkit {

class Profile {
 public:
  /// Reads `columns: {header: field id}` (and an optional `name`); fields must exist.
  static bool load(const std::string& path, const Schema& schema, Profile* out, std::string* err);
  /// The field a header names in this profile (compared after foldKey), or nullptr.
  const Field* fieldForHeader(std::string_view header) const;
  const std::string& name() const { return name_; }
  /// An extract holds only some fields: columns the schema requires may be absent
  /// (`complete: true` in the profile says otherwise).
  bool partial() const { return partial_; }

 private:
  std::string name_;
  bool partial_ = true;
  StringMap<const Field*> fields_;  // folded header -> field
};

/// The field a header cell names: the profile's mapping first, then the schema's labels.
const Field* fieldForHeader(const Schema& schema, const Profile* profile, std::string_view header);

}  // namespace vetkit
