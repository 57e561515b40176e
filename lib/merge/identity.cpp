#include "merge/identity.h"

#include "text/id_number.h"

namespace vetkit {

bool parseKeySpec(const Schema& schema, std::string_view list, KeySpec* spec, std::string* err) {
  spec->fields.clear();
  size_t start = 0;
  while (start <= list.size()) {
    size_t comma = list.find(',', start);
    if (comma == std::string_view::npos) comma = list.size();
    std::string_view id = list.substr(start, comma - start);
    const Field* f = schema.field(id);
    if (!f) {
      *err = "--key: unknown field '" + std::string(id) + "'";
      return false;
    }
    spec->fields.push_back(f->index);
    start = comma + 1;
  }
  spec->identity =
      spec->fields.size() == 1 && schema.fields()[spec->fields[0]].type == FieldType::IdNumber;
  return true;
}

static void appendValue(const FieldValue& v, std::string* out) {
  if (v.kind == FieldValue::Kind::Bool) {
    out->append(v.boolean ? "true" : "false");
  } else if (v.kind == FieldValue::Kind::Array) {
    for (size_t i = 0; i < v.items.size(); ++i) {
      if (i) *out += ',';
      out->append(v.items[i]);
    }
  } else {
    out->append(v.text);
  }
}

std::string recordKey(const Record& rec, const KeySpec& spec) {
  if (spec.identity) {
    const FieldValue& v = rec.fields[spec.fields[0]];
    return v.present() ? identityKey(v.text) : std::string();
  }
  std::string key;
  bool any = false;
  for (size_t i = 0; i < spec.fields.size(); ++i) {
    if (i) key += '|';
    const FieldValue& v = rec.fields[spec.fields[i]];
    any = any || v.present();
    appendValue(v, &key);
  }
  return any ? key : std::string();
}

bool looksLikeId18(std::string_view key) {
  if (key.size() != 18) return false;
  for (size_t i = 0; i < 17; ++i)
    if (key[i] < '0' || key[i] > '9') return false;
  return (key[17] >= '0' && key[17] <= '9') || key[17] == 'X';
}

}  // namespace vetkit
