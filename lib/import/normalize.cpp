#include "import/normalize.h"

#include <algorithm>
#include <cstdint>
#include <cstring>

#include "record/json_writer.h"
#include "text/date.h"
#include "text/fold.h"
#include "text/id_number.h"

namespace vetkit {

namespace {

// `value` must outlive the record being written: a view into the cell or the schema, or
// out->text (see store()).
void setString(Normalized* out, std::string_view value, bool verbatim) {
  out->kind = Normalized::Kind::String;
  out->value = value;
  out->verbatim = verbatim;
}

// A value built here, or one that may alias storage about to be reused, moves into out->text.
void store(Normalized* out, std::string_view value, bool verbatim) {
  if (value.data() != out->text.data()) out->text.assign(value);
  out->text.resize(value.size());
  setString(out, out->text, verbatim);
}

// trimBlanks(), and the ideographic space (U+3000) and no-break space (U+00A0) at either end:
// 无　is 无 in every field, also in those kept as typed. Nearly every cell is answered by its
// first and last byte.
std::string_view trimCell(std::string_view s) {
  s = trimBlanks(s);
  auto wide = [](std::string_view t) {
    auto first = static_cast<unsigned char>(t.front()), last = static_cast<unsigned char>(t.back());
    return first == 0xE3 || first == 0xC2 || last == 0x80 || last == 0xA0;
  };
  while (!s.empty() && wide(s)) {
    if (s.starts_with("\u3000"))
      s.remove_prefix(3);
    else if (s.starts_with("\u00A0"))
      s.remove_prefix(2);
    else if (s.ends_with("\u3000"))
      s.remove_suffix(3);
    else if (s.ends_with("\u00A0"))
      s.remove_suffix(2);
    else
      break;
    s = trimBlanks(s);
  }
  return s;
}

bool allDigits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

}  // namespace

void Normalizer::normalize(const Field& field, const Cell& cell, Normalized* out) const {
  out->kind = Normalized::Kind::Empty;
  out->verbatim = false;
  out->items.clear();
  out->id15.clear();
  out->original.clear();
  out->note = nullptr;
  std::string_view trimmed = trimCell(cell.text);
  if (trimmed.empty()) return;
  if (field.type != FieldType::Text && trimmed.front() == '\'') {
    trimmed = trimBlanks(trimmed.substr(1));  // Excel's text marker, written out by some tools
    if (trimmed.empty()) return;
  }
  if (field.type != FieldType::YesNo && schema_.isEmptyValue(trimmed)) return;

  // Fast paths for a code or yes/no spelled exactly as the schema spells it (the cache
  // remembers the spelling), before any folding.
  switch (field.type) {
    case FieldType::Code:
      if (const CodeEntry* e = lookupCached(field, trimmed)) {
        setString(out, e->code, false);
        return;
      }
      break;
    case FieldType::YesNo:
      if (auto b = yesnoCached(field, trimmed)) {
        out->kind = Normalized::Kind::Bool;
        out->boolean = *b;
        return;
      }
      break;
    default:
      break;
  }

  // Folding nearly always leaves the cell as it is: `folded` is then a view into the cell,
  // and otherwise into out->text.
  std::string_view folded = field.fold ? foldValueView(trimmed, &out->text) : trimmed;
  if (folded.empty()) return;

  switch (field.type) {
    case FieldType::Text:
      setString(out, folded, false);
      return;
    case FieldType::Code: {
      const CodeEntry* e = lookupCached(field, folded);
      if (!e && field.match_prefix && (e = field.table->lookupPrefix(folded)))
        out->original = folded;
      if (e) {
        setString(out, e->code, false);
      } else {
        setString(out, folded, true);
      }
      return;
    }
    case FieldType::CodeSet:
      codeSet(field, folded, out);
      return;
    case FieldType::Date:
      date(cell, folded, out);
      return;
    case FieldType::Number:
      number(field, folded, out);
      return;
    case FieldType::YesNo:
      if (auto b = yesnoCached(field, folded)) {
        out->kind = Normalized::Kind::Bool;
        out->boolean = *b;
      } else {
        setString(out, folded, true);
      }
      return;
    case FieldType::IdNumber: {
      store(out, folded, false);
      canonicalizeIdNumber(&out->text);
      if (out->text.size() == 15) {
        std::string up = upgradeId15(out->text);
        if (!up.empty()) {
          out->id15 = std::move(out->text);
          out->text = std::move(up);
        }
      }
      out->value = out->text;
      return;
    }
    case FieldType::Phone:
      if (folded.find(' ') == std::string_view::npos) {
        setString(out, folded, false);
      } else {
        store(out, folded, false);
        std::erase(out->text, ' ');
        out->value = out->text;
      }
      return;
    case FieldType::Division:
      division(field, folded, out);
      return;
  }
}

size_t Normalizer::cacheSlot(const Field& field, std::string_view text) const {
  uint64_t head = 0;
  std::memcpy(&head, text.data(), std::min<size_t>(text.size(), 8));
  uint64_t h = (head ^ (text.size() * 0x9E3779B97F4A7C15ull)) * 0xBF58476D1CE4E5B9ull;
  return field.index * kCacheWays + (h >> 58);
}

const CodeEntry* Normalizer::lookupCached(const Field& field, std::string_view text) const {
  CacheEntry& slot = cache_[cacheSlot(field, text)];
  if (slot.filled && slot.text == text) return slot.code;
  slot.filled = true;
  slot.text.assign(text);
  slot.code = field.table->lookup(text);
  return slot.code;
}

std::optional<bool> Normalizer::yesnoCached(const Field& field, std::string_view text) const {
  CacheEntry& slot = cache_[cacheSlot(field, text)];
  if (slot.filled && slot.text == text) return slot.yesno;
  slot.filled = true;
  slot.text.assign(text);
  slot.yesno = schema_.yesno(text);
  return slot.yesno;
}

void Normalizer::date(const Cell& cell, std::string_view folded, Normalized* out) const {
  if (isIsoDay(folded)) {  // what most programs export: already canonical
    setString(out, folded, false);
    return;
  }
  std::string_view text = folded;
  // Excel stores 1978.10 typed into a number cell as 1978.1: a one-digit "month" 1 from a
  // numeric cell was October. (1978.01 keeps its zero and stays January.)
  // Typed as 1978.1 it meant January: the cell cannot tell, so the reading is reported.
  char october[7];
  bool from_number = false;
  if (cell.kind == Cell::Kind::Number && text.size() == 6 && text[4] == '.' && text[5] == '1') {
    std::memcpy(october, text.data(), 6);
    october[6] = '0';
    text = std::string_view(october, 7);
    from_number = true;
  }
  PartialDate d;
  if (parseDate(text, &d)) {
    char iso[10];
    store(out, std::string_view(iso, formatIsoDate(d, iso)), false);
    if (from_number) out->note = "date-from-number";
  } else {
    setString(out, folded, true);
  }
}

void Normalizer::codeSet(const Field& field, std::string_view folded, Normalized* out) const {
  out->kind = Normalized::Kind::Array;
  if (const CodeEntry* whole = lookupCached(field, folded)) {
    out->items.push_back(whole->code);
    return;
  }
  // Split on any separator; members are looked up one by one.
  const auto& seps = schema_.setSeparators();
  size_t start = 0, i = 0;
  auto flush = [&](size_t end) {
    std::string_view member = trimBlanks(folded.substr(start, end - start));
    if (member.empty()) return;
    const CodeEntry* e = lookupCached(field, member);
    if (!e) out->verbatim = true;
    std::string_view value = e ? std::string_view(e->code) : member;
    if (std::find(out->items.begin(), out->items.end(), value) == out->items.end())
      out->items.emplace_back(value);
  };
  while (i < folded.size()) {
    size_t len = 0;
    if (separator_leads_[static_cast<unsigned char>(folded[i])]) {
      for (const std::string& s : seps)
        if (!s.empty() && folded.substr(i).starts_with(s)) {
          len = s.size();
          break;
        }
    }
    if (len) {
      flush(i);
      i += len;
      start = i;
    } else {
      ++i;
    }
  }
  flush(folded.size());
  if (out->items.empty()) out->kind = Normalized::Kind::Empty;
}

void Normalizer::number(const Field& field, std::string_view folded, Normalized* out) const {
  std::string_view v = folded;
  for (const std::string& u : field.unit_suffixes) {
    if (v.size() > u.size() && v.ends_with(u)) {
      v.remove_suffix(u.size());
      v = trimBlanks(v);
      break;
    }
  }
  if (!v.empty() && v[0] == '+') v.remove_prefix(1);
  // JSON has no leading zeros: 085 is 85, 0.5 stays.
  while (v.size() > 1 && v[0] == '0' && v[1] >= '0' && v[1] <= '9') v.remove_prefix(1);
  if (!v.empty() && v.back() == '.') v.remove_suffix(1);
  if (isJsonNumber(v)) {
    out->kind = Normalized::Kind::Number;
    out->value = v;
  } else {
    setString(out, folded, true);
  }
}

void Normalizer::division(const Field& field, std::string_view folded, Normalized* out) const {
  if (folded.size() == 6 && allDigits(folded)) {
    setString(out, folded, false);
    return;
  }
  // A division field may name a table of local names (the collecting units) to try first.
  if (field.table) {
    if (const CodeEntry* e = lookupCached(field, folded)) {
      setString(out, e->local ? e->division : e->code, false);
      return;
    }
  }
  std::string code = schema_.divisions().codeForName(folded);
  if (code.empty() && field.match_prefix) {
    if (const CodeEntry* e = field.table ? field.table->lookupPrefix(folded) : nullptr)
      code = e->local ? e->division : e->code;
    else
      code = schema_.divisions().codeForLeadingName(folded);
    if (!code.empty()) out->original = folded;  // the place below the division: keep it
  }
  if (!code.empty()) {
    store(out, code, false);
  } else {
    setString(out, folded, true);
  }
}

}  // namespace vetkit
