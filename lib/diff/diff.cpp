#include "diff/diff.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <memory>
#include <new>

#include "core/exit_status.h"
#include "core/packed_table.h"
#include "diff/diff_output.h"
#include "import/record_source.h"
#include "record/mask.h"
#include "record/record_reader.h"
#include "record/value_equivalence.h"
#include "text/id_number.h"

namespace vetkit {

namespace {

// ---- Keys ---------------------------------------------------------------------------------

constexpr uint64_t kHashedKey = uint64_t(1) << 63;  // set on keys that are hashes of text

uint64_t hashText(std::string_view s) {
  // FNV-1a, then a final mix: cheap, and only consulted for keys that are not plain IDs.
  uint64_t h = 1469598103934665603ull;
  for (unsigned char c : s) h = (h ^ c) * 1099511628211ull;
  h ^= h >> 29;
  return h | kHashedKey;
}

// A record's key: an integer for a canonical 18-character number, else text and its hash.
struct Key {
  uint64_t code = 0;
  std::string text;  // empty when `code` is a packed number
};

// ---- Arena: records' bytes in fixed blocks, so that growing never copies what is stored ----

class Arena {
 public:
  const char* store(std::string_view a, std::string_view b) {
    size_t n = a.size() + b.size();
    if (n > kBlock - used_ || blocks_.empty()) {
      blocks_.push_back(std::make_unique<char[]>(std::max(n, kBlock)));
      used_ = 0;
    }
    char* p = blocks_.back().get() + used_;
    // memcpy from an empty view's null pointer is undefined, even for zero bytes.
    if (!a.empty()) std::memcpy(p, a.data(), a.size());
    if (!b.empty()) std::memcpy(p + a.size(), b.data(), b.size());
    used_ = n > kBlock ? kBlock : used_ + n;  // an oversized record fills its own block
    return p;
  }

 private:
  static constexpr size_t kBlock = 4 << 20;
  std::vector<std::unique_ptr<char[]>> blocks_;
  size_t used_ = 0;
};

// ---- Encoding of a record's values: [field index][kind][length][bytes], fields in order ----

char* putVarint(char* p, size_t n) {
  while (n >= 0x80) *p++ = char(0x80 | (n & 0x7f)), n >>= 7;
  *p++ = char(n);
  return p;
}

size_t varintSize(size_t n) {
  size_t k = 1;
  while (n >= 0x80) n >>= 7, ++k;
  return k;
}

size_t getVarint(const char** p) {
  size_t n = 0;
  for (int shift = 0;; shift += 7) {
    unsigned char c = static_cast<unsigned char>(*(*p)++);
    n |= size_t(c & 0x7f) << shift;
    if (c < 0x80) return n;
  }
}

// Appends one value. Written through a pointer into space reserved up front: this runs for
// every field of two million records.
void encodeValue(std::string* out, size_t index, const FieldValue& v) {
  size_t payload = 0;
  if (v.kind == FieldValue::Kind::Bool) {
    payload = 1;
  } else if (v.kind == FieldValue::Kind::Array) {
    for (const std::string& item : v.items) payload += varintSize(item.size()) + item.size();
  } else {
    payload = v.text.size();
  }
  size_t at = out->size();
  out->resize(at + 2 + varintSize(payload) + payload);
  char* p = out->data() + at;
  *p++ = char(index);
  *p++ = char(v.kind);
  p = putVarint(p, payload);
  if (v.kind == FieldValue::Kind::Bool) {
    *p = char(v.boolean);
  } else if (v.kind == FieldValue::Kind::Array) {
    for (const std::string& item : v.items) {
      p = putVarint(p, item.size());
      std::memcpy(p, item.data(), item.size());
      p += item.size();
    }
  } else {
    std::memcpy(p, v.text.data(), v.text.size());
  }
}

// An unknown column's value follows the fields as [kExtraIndex][String][length][header \0 text].
constexpr unsigned char kExtraIndex = 0xFF;

void encodeExtra(std::string* out, const std::string& header, const std::string& text) {
  FieldValue v;
  v.kind = FieldValue::Kind::String;
  v.text.reserve(header.size() + 1 + text.size());
  v.text.append(header).push_back('\0');
  v.text.append(text);
  encodeValue(out, kExtraIndex, v);
}

struct Slot {
  FieldValue::Kind kind = FieldValue::Kind::Absent;
  std::string_view payload;
};

// Unknown columns as (header, text), sorted by header.
using Extras = std::vector<std::pair<std::string_view, std::string_view>>;

void decode(std::string_view enc, std::vector<Slot>* slots, Extras* extras = nullptr) {
  for (Slot& s : *slots) s.kind = FieldValue::Kind::Absent;
  if (extras) extras->clear();
  const char* p = enc.data();
  const char* end = p + enc.size();
  while (p < end) {
    size_t index = static_cast<unsigned char>(*p++);
    auto kind = FieldValue::Kind(*p++);
    size_t n = getVarint(&p);
    std::string_view payload(p, n);
    p += n;
    if (index != kExtraIndex) {
      (*slots)[index] = {kind, payload};
    } else if (extras) {
      size_t nul = payload.find('\0');
      extras->emplace_back(payload.substr(0, nul), payload.substr(nul + 1));
    }
  }
  if (extras) std::sort(extras->begin(), extras->end());
}

FieldValue textValue(std::string_view text) {
  FieldValue v;
  if (!text.empty()) v.kind = FieldValue::Kind::String, v.text.assign(text);
  return v;
}

FieldValue toFieldValue(const Slot& s) {
  FieldValue v;
  v.kind = s.kind;
  if (s.kind == FieldValue::Kind::Bool) {
    v.boolean = !s.payload.empty() && s.payload[0];
  } else if (s.kind == FieldValue::Kind::Array) {
    const char* p = s.payload.data();
    const char* end = p + s.payload.size();
    while (p < end) {
      size_t n = getVarint(&p);
      v.items.emplace_back(p, n);
      p += n;
    }
  } else if (s.kind != FieldValue::Kind::Absent) {
    v.text.assign(s.payload);
  }
  return v;
}

// ---- The table of keys ----------------------------------------------------

constexpr uint32_t kNone = 0xffffffffu;

// One key. For the common case — a person in both batches, unchanged — everything the NEW
// pass needs is here, so it costs one random memory access: the hash of OLD's values, and
// flags saying whether the key was paired and seen in NEW already.
struct KeySlot {
  enum : uint32_t { kMatched = 1, kChained = 2, kSeenInNew = 4 };
  uint64_t key = 0;    // 0: empty (packed numbers start at 1, text hashes have the top bit)
  uint64_t hash = 0;   // of the encoded values of the key's first OLD record
  uint32_t index = 0;  // the first OLD record of the key, or the text of a NEW-only key
  uint32_t flags = 0;
  uint32_t new_loc = 0, new_row = 0;  // where NEW first had the key
};

// The keys of OLD (and those seen in NEW): a hashed key is told apart from another of the
// same hash by its text, which `text_of(index)` gives.
class KeyTable {
 public:
  explicit KeyTable(std::function<std::string_view(uint32_t)> text_of)
      : slots_(1 << 16), text_of_(std::move(text_of)) {}

  /// The slot holding `code` (and `text`), or the empty slot where it goes.
  KeySlot* find(uint64_t code, std::string_view text) {
    return slots_.find(code,
                       [&](const KeySlot& s) { return text.empty() || text_of_(s.index) == text; });
  }
  /// Counts a slot find() returned empty and the caller filled; may grow the table, which
  /// moves every slot.
  void added() { slots_.added(); }

  template <typename Fn>
  void forEach(Fn fn) const {
    slots_.forEach(fn);
  }

 private:
  PackedSlots<KeySlot> slots_;
  std::function<std::string_view(uint32_t)> text_of_;
};

// An OLD record: its encoded values and their hash, where it was, and the next record of the
// same key (duplicates, paired in order of appearance).
struct OldRecord {
  uint64_t hash;     // of the encoded values
  const char* data;  // key text, then the encoded values
  uint32_t key_len, enc_len;
  uint32_t loc, row;
  uint32_t next = kNone;
  bool matched = false;  // for records after the first of their key (the slot tells for it)
  std::string_view keyText() const { return {data, key_len}; }
  std::string_view encoded() const { return {data + key_len, enc_len}; }
};

// Interned (src, sheet) pairs: a million records share a handful of them.
class Locations {
 public:
  uint32_t intern(const std::string& src, const std::string& sheet) {
    if (last_ != kNone && all_[last_].src == src && all_[last_].sheet == sheet) return last_;
    for (uint32_t i = 0; i < all_.size(); ++i)
      if (all_[i].src == src && all_[i].sheet == sheet) return last_ = i;
    all_.push_back({src, sheet, 0});
    return last_ = uint32_t(all_.size() - 1);
  }
  RecordLocation at(uint32_t loc, uint32_t row) const {
    RecordLocation r = all_[loc];
    r.row = row;
    return r;
  }

 private:
  std::vector<RecordLocation> all_;
  uint32_t last_ = kNone;
};

class Differ {
 public:
  Differ(const Schema& schema, const DiffOptions& options, DiffSink* sink,
         const DiagnosticSink& diag, DiffStats* stats)
      : schema_(schema),
        options_(options),
        sink_(sink),
        diag_(diag),
        stats_(stats),
        old_table_([this](uint32_t i) { return old_[i].keyText(); }),
        seen_table_([this](uint32_t i) { return seen_[i]; }),
        old_slots_(schema.fields().size()),
        new_slots_(schema.fields().size()) {
    size_t n = schema.fields().size();
    compared_ = options.compared.empty() ? std::vector<bool>(n, true) : options.compared;
    compared_.resize(n, false);
    name_ = schema.field("name");
    id_ = schema.field("id_number");
    stored_ = compared_;
    if (name_) stored_[name_->index] = true;
    for (size_t i = 0; i < n; ++i)
      if (stored_[i]) stored_indexes_.push_back(i);
    extras_ = options.extras;
    stats_->field_changes.assign(n, 0);
  }

  int run(const std::string& old_path, const std::string& new_path, std::string* err) {
    RecordSourceEvents events;
    events.diagnostic = [&](const Diagnostic& d) {
      if (d.code == "bad-line") trouble_ = true;
      if (diag_) diag_(d);
    };
    events.record = [&](Record& r) { return addOld(r); };
    auto read = [&](const std::string& path) {
      return options_.read ? options_.read(path, events, err)
                           : readRecords(schema_, path, options_.import, events, err);
    };
    if (!read(old_path)) return *err = "'" + old_path + "': " + *err, kExitTrouble;
    events.record = [&](Record& r) { return compareNew(r); };
    if (!read(new_path)) return *err = "'" + new_path + "': " + *err, kExitTrouble;
    if (!sink_->stopped()) {
      // Unpaired OLD records, found from the table (one sequential pass), told in OLD's order.
      std::vector<std::pair<uint32_t, uint64_t>> gone;  // record, key
      old_table_.forEach([&](const KeySlot& s) {
        if (!(s.flags & KeySlot::kMatched)) gone.emplace_back(s.index, s.key);
        if (s.flags & KeySlot::kChained)
          for (uint32_t i = old_[s.index].next; i != kNone; i = old_[i].next)
            if (!old_[i].matched) gone.emplace_back(i, s.key);
      });
      std::sort(gone.begin(), gone.end());
      for (auto [i, key] : gone) removed(old_[i], key);
      sink_->finish(*stats_);
    }
    if (trouble_) return kExitTrouble;
    return stats_->different() ? kExitFindings : kExitOk;
  }

 private:
  // The record's key; false when it has none.
  bool keyOf(const Record& r, Key* key) {
    key->text.clear();
    if (options_.key.empty()) {
      if (!id_) return false;
      const FieldValue& v = r.fields[id_->index];
      if (v.kind != FieldValue::Kind::String && v.kind != FieldValue::Kind::Number) return false;
      if ((key->code = packIdNumber(v.text))) return true;
      key->text = identityKey(v.text);
    } else {
      bool any = false;
      for (size_t i = 0; i < options_.key.size(); ++i) {
        const Field* f = options_.key[i];
        const FieldValue& v = r.fields[f->index];
        if (i) key->text += '\x1f';
        any = any || v.present();
        switch (v.kind) {
          case FieldValue::Kind::Absent:
            break;
          case FieldValue::Kind::Bool:
            key->text += v.boolean ? "true" : "false";
            break;
          case FieldValue::Kind::Array:
            for (size_t j = 0; j < v.items.size(); ++j)
              key->text += (j ? "," : ""), key->text += v.items[j];
            break;
          default:
            key->text += f->type == FieldType::IdNumber ? identityKey(v.text)
                         : f->type == FieldType::Text   ? squeezeBlanks(v.text)
                                                        : v.text;
        }
      }
      if (!any) return false;
      if (options_.key.size() == 1 && options_.key[0]->type == FieldType::IdNumber &&
          (key->code = packIdNumber(key->text))) {
        key->text.clear();
        return true;
      }
    }
    if (key->text.empty()) return false;
    key->code = hashText(key->text);
    return true;
  }

  void encode(const Record& r, std::string* out) {
    out->clear();
    for (size_t i : stored_indexes_)
      if (r.fields[i].present()) encodeValue(out, i, r.fields[i]);
    if (!extras_) return;
    for (const auto& [header, text] : r.extra) {
      // vetimport --format csv writes the bookkeeping as columns (_src, _row, …), the unknown
      // columns as one JSON column _extra: read back, those are not the operator's columns.
      if (header == "_extra") {
        Record inner;
        std::string err;
        if (extra_reader_.parse("{\"_extra\":" + text + "}", &inner, &err))
          for (const auto& [h, t] : inner.extra) encodeExtra(out, h, t);
      } else if (!header.starts_with("_")) {
        encodeExtra(out, header, text);
      }
    }
  }

  std::string keyDisplay(const Key& k) const {
    return displayKey(k.text.empty() ? unpackIdNumber(k.code) : k.text, options_.key,
                      options_.mask);
  }

  void report(const std::string& code, const Record& r, const MessageArgs& args,
              const std::string& value) {
    if (!diag_) return;
    Diagnostic d;
    d.severity = Severity::Warning;
    d.file = r.src;
    d.sheet = r.sheet;
    d.row = int(r.row);
    d.code = code;
    d.message = schema_.messages().format(code, options_.import.lang, args);
    d.value = value;
    diag_(d);
  }

  void reportKeyless(const Record& r) {
    ++stats_->keyless;
    std::string fields;
    if (options_.key.empty()) fields = "id_number";
    for (const Field* f : options_.key) fields += (fields.empty() ? "" : ",") + f->id;
    report("diff-no-key", r, {{"fields", fields}}, "");
  }

  void reportDuplicate(const Record& r, const Key& k, const RecordLocation& first) {
    ++stats_->duplicates;
    report("diff-duplicate-key", r, {{"first", formatRecordLocation(first)}}, keyDisplay(k));
  }

  bool addOld(Record& r) {
    if (!keyOf(r, &key_)) return reportKeyless(r), true;
    encode(r, &scratch_);
    uint64_t hash = std::hash<std::string_view>{}(scratch_);
    OldRecord o{hash,
                arena_.store(key_.text, scratch_),
                uint32_t(key_.text.size()),
                uint32_t(scratch_.size()),
                old_locs_.intern(r.src, r.sheet),
                uint32_t(r.row)};
    uint32_t index = uint32_t(old_.size());
    old_.push_back(o);
    KeySlot* slot = old_table_.find(key_.code, key_.text);
    if (!slot->key) {
      slot->key = key_.code, slot->hash = hash, slot->index = index;
      old_table_.added();
      return true;
    }
    uint32_t i = slot->index;
    slot->flags |= KeySlot::kChained;
    RecordLocation first = old_locs_.at(old_[i].loc, old_[i].row);
    while (old_[i].next != kNone) i = old_[i].next;
    old_[i].next = index;
    reportDuplicate(r, key_, first);
    return true;
  }

  bool compareNew(Record& r) {
    if (!keyOf(r, &key_)) return reportKeyless(r), !sink_->stopped();
    uint32_t loc = new_locs_.intern(r.src, r.sheet);
    KeySlot* slot = old_table_.find(key_.code, key_.text);
    if (!slot->key) {
      // A key OLD does not have: remembered to recognise a second NEW record of it.
      KeySlot* seen = seen_table_.find(key_.code, key_.text);
      if (seen->key) {
        reportDuplicate(r, key_, new_locs_.at(seen->new_loc, seen->new_row));
      } else {
        seen->key = key_.code, seen->new_loc = loc, seen->new_row = uint32_t(r.row);
        seen->index = uint32_t(seen_.size());
        seen_.push_back(key_.text.empty()
                            ? std::string_view()
                            : std::string_view(seen_arena_.store(key_.text, {}), key_.text.size()));
        seen_table_.added();
      }
      return added(r);
    }
    if (!(slot->flags & KeySlot::kSeenInNew)) {
      slot->flags |= KeySlot::kSeenInNew;
      slot->new_loc = loc, slot->new_row = uint32_t(r.row);
    } else {
      reportDuplicate(r, key_, new_locs_.at(slot->new_loc, slot->new_row));
    }
    // Pair with the first OLD record of the key not paired yet.
    uint32_t i = kNone;
    uint64_t hash = 0;
    if (!(slot->flags & KeySlot::kMatched)) {
      slot->flags |= KeySlot::kMatched;
      i = slot->index, hash = slot->hash;
    } else if (slot->flags & KeySlot::kChained) {
      for (i = old_[slot->index].next; i != kNone && old_[i].matched;) i = old_[i].next;
      if (i != kNone) old_[i].matched = true, hash = old_[i].hash;
    }
    if (i == kNone) return added(r);
    encode(r, &scratch_);
    if (std::hash<std::string_view>{}(scratch_) == hash && scratch_.size() == old_[i].enc_len) {
      ++stats_->unchanged;
      return true;
    }
    return compare(r, old_[i]);
  }

  bool added(const Record& r) {
    ++stats_->added;
    DiffEntry& e = entry_;
    e.op = DiffEntry::Op::Added;
    e.key = key_.text.empty() ? unpackIdNumber(key_.code) : key_.text;
    e.name = name_ && r.fields[name_->index].kind == FieldValue::Kind::String
                 ? squeezeBlanks(r.fields[name_->index].text)
                 : std::string();
    e.old_at = {};
    e.new_at = {r.src, r.sheet, r.row};
    e.changes.clear();
    sink_->entry(e);
    return !sink_->stopped();
  }

  // The values of a pair differ in bytes: which fields differ in meaning.
  bool compare(const Record& r, const OldRecord& o) {
    DiffEntry& e = entry_;
    decode(o.encoded(), &old_slots_, &old_extras_);
    decode(scratch_, &new_slots_, &new_extras_);
    e.changes.clear();
    for (size_t f : stored_indexes_) {
      if (!compared_[f]) continue;
      const Slot& a = old_slots_[f];
      const Slot& b = new_slots_[f];
      if (a.kind == b.kind && a.payload == b.payload) continue;
      FieldChange c{&schema_.fields()[f], toFieldValue(a), toFieldValue(b)};
      if (sameValue(*c.field, c.old_value, c.new_value)) continue;
      ++stats_->field_changes[f];
      e.changes.push_back(std::move(c));
    }
    compareExtras(&e);
    if (e.changes.empty()) {
      ++stats_->unchanged;
      return true;
    }
    ++stats_->changed;
    e.op = DiffEntry::Op::Changed;
    e.key = key_.text.empty() ? unpackIdNumber(key_.code) : key_.text;
    e.name = nameOf(name_ ? new_slots_[name_->index] : Slot{});
    if (e.name.empty() && name_) e.name = nameOf(old_slots_[name_->index]);
    e.old_at = old_locs_.at(o.loc, o.row);
    e.new_at = {r.src, r.sheet, r.row};
    sink_->entry(e);
    return !sink_->stopped();
  }

  // Unknown columns are paired by header text; a column only one side has is a change from or to
  // an empty cell.
  void compareExtras(DiffEntry* e) {
    size_t i = 0, j = 0;
    auto change = [&](std::string_view header, std::string_view a, std::string_view b) {
      if (a == b) return;
      e->changes.push_back({nullptr, textValue(a), textValue(b), std::string(header)});
      auto& counts = stats_->extra_changes;
      auto at = std::lower_bound(counts.begin(), counts.end(), header,
                                 [](const auto& c, std::string_view h) { return c.first < h; });
      if (at == counts.end() || at->first != header)
        at = counts.insert(at, {std::string(header), 0});
      ++at->second;
    };
    while (i < old_extras_.size() || j < new_extras_.size()) {
      if (j == new_extras_.size() ||
          (i < old_extras_.size() && old_extras_[i].first < new_extras_[j].first)) {
        change(old_extras_[i].first, old_extras_[i].second, {}), ++i;
      } else if (i == old_extras_.size() || new_extras_[j].first < old_extras_[i].first) {
        change(new_extras_[j].first, {}, new_extras_[j].second), ++j;
      } else {
        change(old_extras_[i].first, old_extras_[i].second, new_extras_[j].second), ++i, ++j;
      }
    }
  }

  // A name as shown: 王五, not the 王　五 typed to align it with three-character names.
  static std::string nameOf(const Slot& s) {
    return s.kind == FieldValue::Kind::String ? squeezeBlanks(s.payload) : std::string();
  }

  void removed(const OldRecord& o, uint64_t key) {
    ++stats_->removed;
    DiffEntry& e = entry_;
    e.op = DiffEntry::Op::Removed;
    e.key = o.key_len ? std::string(o.keyText()) : unpackIdNumber(key);
    decode(o.encoded(), &old_slots_);
    e.name = name_ ? nameOf(old_slots_[name_->index]) : std::string();
    e.old_at = old_locs_.at(o.loc, o.row);
    e.new_at = {};
    e.changes.clear();
    sink_->entry(e);
  }

  const Schema& schema_;
  const DiffOptions& options_;
  DiffSink* sink_;
  const DiagnosticSink& diag_;
  DiffStats* stats_;
  const Field* name_ = nullptr;
  const Field* id_ = nullptr;
  std::vector<bool> compared_, stored_;
  std::vector<size_t> stored_indexes_;

  Arena arena_, seen_arena_;
  std::vector<OldRecord> old_;
  std::vector<std::string_view> seen_;  // key texts of NEW-only keys
  KeyTable old_table_, seen_table_;
  Locations old_locs_, new_locs_;

  Key key_;
  std::string scratch_;
  std::vector<Slot> old_slots_, new_slots_;
  Extras old_extras_, new_extras_;
  bool extras_ = true;  // compare unknown columns (`_extra`)
  RecordReader extra_reader_{schema_};
  DiffEntry entry_;
  bool trouble_ = false;
};

}  // namespace

std::string formatRecordLocation(const RecordLocation& at) {
  std::string s = at.src;
  if (!at.sheet.empty()) s += ":" + at.sheet;
  if (at.row) s += ":" + std::to_string(at.row);
  return s;
}

int diffBatches(const Schema& schema, const std::string& old_path, const std::string& new_path,
                const DiffOptions& options, DiffSink* sink, const DiagnosticSink& diag,
                DiffStats* stats, std::string* err) {
  *stats = DiffStats();
  Differ differ(schema, options, sink, diag, stats);
  return differ.run(old_path, new_path, err);
}

}  // namespace vetkit
