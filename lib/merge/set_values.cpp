#include "merge/set_values.h"

#include <cstring>
#include <unordered_map>

#include "import/record_source.h"
#include "merge/candidates.h"
#include "merge/identity_correction.h"
#include "record/value_equivalence.h"

namespace vetkit {

namespace {

// A row as its present values only: field index (u16), kind, boolean, then the text (u32
// length + bytes) or the members (u32 count, each u32 length + bytes); a row ends with
// index 0xffff. About the size of the values themselves.
constexpr uint16_t kEnd = 0xffff;

template <typename T>
void put(std::string* out, T v) {
  out->append(reinterpret_cast<const char*>(&v), sizeof v);
}

void putText(std::string* out, const std::string& s) {
  put(out, uint32_t(s.size()));
  out->append(s);
}

template <typename T>
T get(const char*& p) {
  T v;
  std::memcpy(&v, p, sizeof v);
  p += sizeof v;
  return v;
}

std::string getText(const char*& p) {
  uint32_t n = get<uint32_t>(p);
  std::string s(p, n);
  p += n;
  return s;
}

}  // namespace

struct BatchRows::Impl {
  struct Slot {
    int64_t batch;
    size_t at;  // into `arena`
  };
  const Schema& schema;
  KeySpec key;
  std::string arena;
  std::unordered_map<std::string, std::vector<Slot>> by_key;
  std::vector<std::string> excel_keys;  // keys Excel mangled: found by scanning (few)
  size_t rows = 0;

  Impl(const Schema& s, const KeySpec& k) : schema(s), key(k) {}

  void decode(size_t at, Record* out) const {
    out->fields.assign(schema.fields().size(), FieldValue());
    const char* p = arena.data() + at;
    for (uint16_t f; (f = get<uint16_t>(p)) != kEnd;) {
      FieldValue& v = out->fields[f];
      v.kind = FieldValue::Kind(get<uint8_t>(p));
      v.boolean = get<uint8_t>(p) != 0;
      if (v.kind == FieldValue::Kind::Array) {
        for (uint32_t n = get<uint32_t>(p); n > 0; --n) v.items.push_back(getText(p));
      } else {
        v.text = getText(p);
      }
    }
  }

  void collect(int64_t batch, const std::string& key, std::vector<Record>* out) const {
    auto it = by_key.find(key);
    if (it == by_key.end()) return;
    for (const Slot& s : it->second)
      if (s.batch == batch) decode(s.at, &out->emplace_back());
  }
};

BatchRows::BatchRows(const Schema& schema, const KeySpec& key)
    : impl_(std::make_unique<Impl>(schema, key)) {}
BatchRows::~BatchRows() = default;

std::string BatchRows::keyOf(const Record& r) const {
  std::string k = recordKey(r, impl_->key);
  return k.empty() ? "?" + r.sheet + ":" + std::to_string(r.row) : k;
}

void BatchRows::add(int64_t batch, const Record& row) {
  Impl& m = *impl_;
  std::string key = keyOf(row);
  size_t at = m.arena.size();
  for (size_t f = 0; f < row.fields.size() && f < kEnd; ++f) {
    const FieldValue& v = row.fields[f];
    if (!v.present()) continue;
    put(&m.arena, uint16_t(f));
    put(&m.arena, uint8_t(v.kind));
    put(&m.arena, uint8_t(v.boolean));
    if (v.kind == FieldValue::Kind::Array) {
      put(&m.arena, uint32_t(v.items.size()));
      for (const std::string& item : v.items) putText(&m.arena, item);
    } else {
      putText(&m.arena, v.text);
    }
  }
  put(&m.arena, kEnd);
  auto [it, fresh] = m.by_key.try_emplace(key);
  if (fresh && !excelDigits(key).empty()) m.excel_keys.push_back(key);
  it->second.push_back({batch, at});
  ++m.rows;
}

bool BatchRows::load(int64_t batch, const std::string& path, const ImportOptions& options,
                     std::string* err) {
  RecordSourceEvents events;
  events.record = [&](Record& r) { return add(batch, r), true; };
  // The importer's findings are the county's to fix, not the province's: not told here.
  return readRecords(impl_->schema, path, options, events, err);
}

void BatchRows::rowsOf(int64_t batch, const std::string& key, std::vector<Record>* out) const {
  const Impl& m = *impl_;
  out->clear();
  m.collect(batch, key, out);
  if (!out->empty() || !m.key.identity || !looksLikeId18(key)) return;
  // A corrected number: the batch that had it wrong holds the person under the wrong one.
  PersonRef p;
  p.key = key;
  forEachIdVariant(p, [&](const std::string& typed, bool) {
    if (idCorrection(typed, key)) m.collect(batch, typed, out);
  });
  for (const std::string& typed : m.excel_keys)
    if (idCorrection(typed, key)) m.collect(batch, typed, out);
}

size_t BatchRows::rows() const {
  return impl_->rows;
}
const Schema& BatchRows::schema() const {
  return impl_->schema;
}

bool valueVouched(const Field& f, const FieldValue& v, const FieldValue& row_value) {
  return sameValue(f, v, row_value) && precision(f, v) <= precision(f, row_value);
}

std::vector<size_t> unvouchedFields(const Record& record, const std::string& key,
                                    const std::vector<int64_t>& batches, const BatchRows& rows) {
  std::vector<Record> found, scratch;
  for (int64_t b : batches) {
    rows.rowsOf(b, key, &scratch);
    for (Record& r : scratch) found.push_back(std::move(r));
  }
  std::vector<size_t> unvouched;
  for (size_t f = 0; f < record.fields.size(); ++f) {
    const FieldValue& v = record.fields[f];
    if (!v.present()) continue;
    const Field& field = rows.schema().fields()[f];
    bool vouched = false;
    for (const Record& r : found)
      if (f < r.fields.size() && valueVouched(field, v, r.fields[f])) vouched = true;
    if (!vouched) unvouched.push_back(f);
  }
  return unvouched;
}

}  // namespace vetkit
