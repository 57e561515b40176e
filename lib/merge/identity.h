// Which records are the same person: the identity key. By default the identity number
// (folded, 15 digits upgraded to 18: identityKey()); `--key FIELD[,FIELD]` names other fields.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "record/record.h"
#include "schema/schema.h"

namespace vetkit {

struct KeySpec {
  std::vector<size_t> fields;  // schema indexes, in the order given
  bool identity = true;        // the single field is an idnumber: key it with identityKey()
};

/// Parses "id_number" or "name,birth_date" into `spec`; false with `err` for unknown fields.
bool parseKeySpec(const Schema& schema, std::string_view list, KeySpec* spec, std::string* err);

/// The key of `rec`, or "" when every key field is empty. Parts of a composite key are
/// joined with '|'.
std::string recordKey(const Record& rec, const KeySpec& spec);

/// True when `key` is shaped like an 18-character identity number.
bool looksLikeId18(std::string_view key);

}  // namespace vetkit
