#include "validate/validator.h"

#include <sys/stat.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>

#include "record/mask.h"
#include "text/id_number.h"
#include "text/utf8.h"

namespace vetkit {

namespace {

bool isDigits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// 1978, 1978-03 or 1978-03-05: the only forms the stream holds dates in.
bool isIsoShape(std::string_view s) {
  if (s.size() != 4 && s.size() != 7 && s.size() != 10) return false;
  for (size_t i = 0; i < s.size(); ++i)
    if ((i == 4 || i == 7) ? s[i] != '-' : (s[i] < '0' || s[i] > '9')) return false;
  return true;
}

bool hasItem(const FieldValue& v, std::string_view code) {
  if (v.kind == FieldValue::Kind::Array)
    return std::find(v.items.begin(), v.items.end(), code) != v.items.end();
  return v.kind == FieldValue::Kind::String && v.text == code;
}

bool inList(const std::vector<std::string>& list, std::string_view s) {
  return std::find(list.begin(), list.end(), s) != list.end();
}

// A mobile (1[3-9] + 9 digits, perhaps written +86 138-1234-5678) or a landline with its area
// code (0 + 2-3 digits, then 7-8 digits: 0738-8221234, (0738)8221234, 0738 8221234).
bool isPhoneNumber(std::string_view p) {
  std::string digits;
  bool plus = !p.empty() && p[0] == '+';
  for (char c : p.substr(plus ? 1 : 0)) {
    if (c >= '0' && c <= '9') {
      digits += c;
    } else if (c != '-' && c != ' ' && c != '(' && c != ')') {
      return false;
    }
  }
  if (digits.starts_with("0086"))
    digits.erase(0, 4);
  else if ((plus || digits.size() == 13) && digits.starts_with("86"))
    digits.erase(0, 2);
  else if (plus)
    return false;
  if (digits.size() == 11 && digits[0] == '1' && digits[1] >= '3' && digits[1] <= '9') return true;
  return digits.size() >= 10 && digits.size() <= 12 && digits[0] == '0' && digits[1] != '0';
}

// Chinese characters, the middle dot of minority names, or Latin letters and spaces.
bool isNameCharacter(char32_t c) {
  return (c >= 0x3400 && c <= 0x4DBF) || (c >= 0x4E00 && c <= 0x9FFF) ||
         (c >= 0xF900 && c <= 0xFAFF) || (c >= 0x20000 && c <= 0x323AF) || c == 0x00B7 ||
         c == 0x30FB || c == 0x2022 || c == ' ' || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

// The highest age a person born on `birth` can have had on `day`, given partial dates.
int maxAge(const PartialDate& birth, const PartialDate& day) {
  int bm = birth.month ? birth.month : 1, bd = birth.day ? birth.day : 1;
  int dm = day.month ? day.month : 12, dd = day.day ? day.day : 31;
  int age = day.year - birth.year;
  if (dm < bm || (dm == bm && dd < bd)) --age;
  return age;
}

bool startsWithImage(const std::string& path) {
  unsigned char head[8] = {0};
  std::ifstream in(path, std::ios::binary);
  in.read(reinterpret_cast<char*>(head), sizeof head);
  if (in.gcount() < 3) return false;
  bool jpeg = head[0] == 0xFF && head[1] == 0xD8 && head[2] == 0xFF;
  static const unsigned char kPng[8] = {0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A};
  bool png = in.gcount() == 8 && std::equal(head, head + 8, kPng);
  return jpeg || png;
}

bool isFile(const std::string& path) {
  struct stat st;
  return stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

}  // namespace

// What one check of one record needs: the record, its category, its dates parsed once.
struct Validator::Context {
  const Record& r;
  std::vector<Diagnostic>* out;
  std::string category;
  std::vector<std::optional<PartialDate>> dates;  // by field index, valid dates only

  const FieldValue& value(const Field* f) const { return r.fields[f->index]; }
  bool present(const Field* f) const { return f && r.fields[f->index].present(); }
  const std::optional<PartialDate>& date(const Field* f) const { return dates[f->index]; }
};

Validator::Validator(const Schema& schema, const RuleSet& rules, ValidateOptions options)
    : schema_(schema), rules_(rules), options_(std::move(options)) {}

std::string Validator::label(const Record& r, const Field* f) const {
  if (!f) return "";
  const std::string& header = r.header(f->index);
  if (header.empty()) return f->name(options_.lang);
  return schema_.messages().format("label-as-read", options_.lang,
                                   {{"header", header}, {"label", f->name(options_.lang)}});
}

void Validator::report(Context& c, const Field* field, const std::string& code, MessageArgs args,
                       std::string value, std::string_view message_key) const {
  std::optional<Severity> sev = rules_.severity(code);
  if (!sev) return;
  Diagnostic d;
  d.severity = *sev;
  d.file = c.r.src;
  d.sheet = c.r.sheet;
  d.row = int(c.r.row);
  if (field) {
    d.field = field->id;
    d.column = c.r.column(field->index);
    args.emplace_back("label", label(c.r, field));
    args.emplace_back("field", field->id);
  }
  d.code = code;
  d.message =
      schema_.messages().format(message_key.empty() ? code : message_key, options_.lang, args);
  d.value = std::move(value);
  c.out->push_back(std::move(d));
}

bool Validator::adopt(Diagnostic* d) const {
  std::optional<Severity> sev = rules_.severity(d->code);
  if (!sev) return false;
  d->severity = *sev;
  return true;
}

void Validator::check(const Record& r, std::vector<Diagnostic>* out) {
  Context c{r, out, "", std::vector<std::optional<PartialDate>>(schema_.fields().size())};
  if (const Field* cat = schema_.categoryField();
      cat && r.fields[cat->index].kind == FieldValue::Kind::String)
    c.category = r.fields[cat->index].text;
  checkTypesAndCodes(c);
  checkRequired(c);
  checkIdentity(c);
  checkDates(c);
  checkCategory(c);
  checkRanges(c);
  checkPhonesNames(c);
  checkPhoto(c);
  checkDuplicate(c);
}

// Every value has the JSON type and the form its field's type asks for: codes in their table,
// dates real days, numbers numbers. Valid dates are kept for the checks that compare them.
void Validator::checkTypesAndCodes(Context& c) const {
  for (const Field& f : schema_.fields()) {
    const FieldValue& v = c.r.fields[f.index];
    if (!v.present()) continue;
    bool is_string = v.kind == FieldValue::Kind::String;
    switch (f.type) {
      case FieldType::Code: {
        if (!is_string) break;
        if (f.table->find(v.text)) continue;
        // A numeric code outside its range (伤残等级 12) is out of range, not unknown.
        bool ranged = std::any_of(rules_.ranges.begin(), rules_.ranges.end(),
                                  [&](const Range& rg) { return rg.field == &f; });
        char* end = nullptr;
        std::strtod(v.text.c_str(), &end);
        if (ranged && end && *end == '\0' && end != v.text.c_str()) continue;  // checkRanges
        report(c, &f, "unknown-code", {}, v.text);
        continue;
      }
      case FieldType::CodeSet: {
        if (v.kind == FieldValue::Kind::String) {  // a single member given as a string
          if (!f.table->find(v.text)) report(c, &f, "unknown-code", {}, v.text);
          continue;
        }
        if (v.kind != FieldValue::Kind::Array) break;
        for (const std::string& item : v.items)
          if (!f.table->find(item)) report(c, &f, "unknown-code", {}, item);
        continue;
      }
      case FieldType::Date: {
        if (!is_string) break;
        PartialDate d;
        if (isIsoShape(v.text) && parseDate(v.text, &d)) {
          c.dates[f.index] = d;
        } else {
          report(c, &f, "bad-date", {}, v.text);
        }
        continue;
      }
      case FieldType::Number:
        if (v.kind == FieldValue::Kind::Number) continue;
        if (is_string) {
          report(c, &f, "bad-number", {}, v.text);
          continue;
        }
        break;
      case FieldType::YesNo:
        if (v.kind == FieldValue::Kind::Bool) continue;
        if (is_string) {
          report(c, &f, "unknown-code", {}, v.text);
          continue;
        }
        break;
      case FieldType::Division:
        if (!is_string) break;
        if (!(v.text.size() == 6 && isDigits(v.text) && schema_.divisions().find(v.text)))
          report(c, &f, "unknown-code", {}, v.text);
        continue;
      case FieldType::Text:
      case FieldType::IdNumber:
      case FieldType::Phone:
        if (is_string) continue;
        break;
    }
    report(c, &f, "bad-type", {{"type", fieldTypeName(f.type)}}, "");
  }
}

static bool conditionHolds(const Condition& w, const FieldValue& v) {
  switch (w.op) {
    case Condition::Op::In:
      return v.kind == FieldValue::Kind::String && inList(w.values, v.text);
    case Condition::Op::Is:
      return v.kind == FieldValue::Kind::Bool && v.boolean == w.boolean;
    case Condition::Op::Has:
      return std::any_of(w.values.begin(), w.values.end(),
                         [&](const std::string& code) { return hasItem(v, code); });
  }
  return false;
}

void Validator::checkRequired(Context& c) const {
  // One rule wherever a record is judged: a value the record's category requires is missing
  // whether its cell is empty or its sheet has no such column at all. A rule that looked at
  // the sheet's layout would pass the operator's sheet and fail the same record merged (the
  // merged set has no layout), or depend on which row carried it. The importer's one
  // missing-column finding says why every row of such a sheet is reported.
  for (const Field& f : schema_.fields()) {
    if (c.r.fields[f.index].present()) continue;
    if (f.required_all || (!c.category.empty() && schema_.isRequired(f, c.category)))
      report(c, &f, "missing-value", {}, "");
  }
  for (const Requirement& req : rules_.requirements) {
    if (c.present(req.field) || !conditionHolds(req.when, c.value(req.when.field))) continue;
    // Already reported above when the category requires it anyway.
    if (req.field->required_all || schema_.isRequired(*req.field, c.category)) continue;
    report(c, req.field, "missing-value", {{"because", label(c.r, req.when.field)}}, "");
  }
}

void Validator::checkIdentity(Context& c) const {
  if (!rules_.id || c.value(rules_.id).kind != FieldValue::Kind::String) return;
  const std::string& id = c.value(rules_.id).text;
  IdParts parts;
  IdStatus status = checkIdNumber(id, &parts);
  auto shown = [&] { return options_.mask ? maskIdNumber(id) : id; };  // only when reported
  switch (status) {
    case IdStatus::BadFormat:
      report(c, rules_.id, "id-format", {}, shown());
      return;
    case IdStatus::BadBirthDate:
      report(c, rules_.id, "id-birthdate", {}, shown());
      return;
    case IdStatus::BadChecksum:
      report(c, rules_.id, "id-checksum", {{"expected", std::string(1, idCheckChar(id))}}, shown());
      break;  // the other parts may still be compared
    case IdStatus::Ok:
      break;
  }
  if (!schema_.divisions().find(parts.region))
    report(c, rules_.id, "id-region", {{"region", std::string(parts.region)}}, shown());
  if (const auto& birth = c.date(rules_.birth); birth && comparePartial(*birth, parts.birth) != 0)
    report(c, rules_.birth, "id-birth-mismatch", {},
           formatIsoDate(*birth) + " / " + id.substr(6, 8));
  if (c.value(rules_.gender).kind == FieldValue::Kind::String) {
    const std::string& g = c.value(rules_.gender).text;
    const std::string& expected = parts.gender == 1 ? rules_.male_code : rules_.female_code;
    if ((g == rules_.male_code || g == rules_.female_code) && g != expected) {
      const CodeEntry* e = rules_.gender->table ? rules_.gender->table->find(g) : nullptr;
      report(c, rules_.gender, "id-gender-mismatch", {}, e ? e->label : g);
    }
  }
}

void Validator::checkDates(Context& c) const {
  for (const DateOrder& o : rules_.date_order) {
    const auto &a = c.date(o.earlier), &b = c.date(o.later);
    if (!a || !b) continue;
    int cmp = comparePartial(*a, *b);
    bool same_day = cmp == 0 && a->day && b->day;
    if (cmp > 0 || (o.strict && same_day))
      report(c, o.later, "date-order", {{"earlier", label(c.r, o.earlier)}},
             formatIsoDate(*a) + " / " + formatIsoDate(*b));
  }
  for (const Field* f : rules_.not_future)
    if (const auto& d = c.date(f); d && comparePartial(*d, options_.today) > 0)
      report(c, f, "future-date", {}, formatIsoDate(*d));
  if (inList(rules_.enlist_age_categories, c.category)) {
    const auto &birth = c.date(rules_.enlist_birth), &enlist = c.date(rules_.enlist);
    if (birth && enlist && comparePartial(*birth, *enlist) < 0 &&
        maxAge(*birth, *enlist) < rules_.enlist_min_age)
      report(c, rules_.enlist, "enlist-age",
             {{"age", std::to_string(maxAge(*birth, *enlist))},
              {"min", std::to_string(rules_.enlist_min_age)}},
             formatIsoDate(*enlist));
  }
}

void Validator::checkCategory(Context& c) const {
  const FieldValue& identity = c.value(rules_.service_identity);
  if (auto it = rules_.category_identity.find(c.category);
      it != rules_.category_identity.end() && identity.kind == FieldValue::Kind::String &&
      rules_.service_identity->table && rules_.service_identity->table->find(identity.text) &&
      !inList(it->second, identity.text))
    report(c, rules_.service_identity, "category-identity", {},
           rules_.service_identity->table->find(identity.text)->label);

  const FieldValue& placement = c.value(rules_.placement);
  if (placement.kind == FieldValue::Kind::String) {
    auto it = rules_.placement_rules.find(placement.text);
    if (it != rules_.placement_rules.end()) {
      const PlacementRule& rule = it->second;
      const FieldValue& who = c.value(rules_.placement_identity);
      const auto& discharged = c.date(rules_.placement_discharge);
      bool wrong_identity =
          who.kind == FieldValue::Kind::String && rules_.placement_identity->table &&
          rules_.placement_identity->table->find(who.text) && !inList(rule.identities, who.text);
      bool too_early = discharged && rule.discharged_from &&
                       comparePartial(*discharged, *rule.discharged_from) < 0;
      bool too_late = discharged && rule.discharged_before &&
                      comparePartial(*discharged, *rule.discharged_before) >= 0;
      const CodeEntry* e =
          rules_.placement->table ? rules_.placement->table->find(placement.text) : nullptr;
      if (wrong_identity || too_early || too_late)
        report(c, rules_.placement, "placement-identity", {}, e ? e->label : placement.text);
    }
  }

  if (auto it = rules_.era_rules.find(c.category); it != rules_.era_rules.end()) {
    const EraRule& rule = it->second;
    const auto &birth = c.date(rules_.era_birth), &enlist = c.date(rules_.era_enlist);
    if (birth && rule.born_by && comparePartial(*birth, *rule.born_by) > 0)
      report(c, rules_.era_birth, "category-era", {}, formatIsoDate(*birth));
    if (enlist && ((rule.enlist_by && comparePartial(*enlist, *rule.enlist_by) > 0) ||
                   (rule.enlist_from && comparePartial(*enlist, *rule.enlist_from) < 0)))
      report(c, rules_.era_enlist, "category-era", {}, formatIsoDate(*enlist));
  }

  const FieldValue& ins = c.value(rules_.insurance);
  for (const auto& [a, b] : rules_.insurance_exclusive)
    if (hasItem(ins, a) && hasItem(ins, b)) {
      const CodeTable* t = rules_.insurance->table;
      std::string la = t && t->find(a) ? t->find(a)->label : a;
      std::string lb = t && t->find(b) ? t->find(b)->label : b;
      report(c, rules_.insurance, "insurance-conflict", {}, la + " / " + lb);
    }
}

void Validator::checkRanges(Context& c) const {
  for (const Range& rg : rules_.ranges) {
    const FieldValue& v = c.value(rg.field);
    if (v.kind != FieldValue::Kind::Number && v.kind != FieldValue::Kind::String) continue;
    char* end = nullptr;
    double x = std::strtod(v.text.c_str(), &end);
    if (end == v.text.c_str() || *end != '\0' || !std::isfinite(x)) continue;
    bool bad = (rg.min && x < *rg.min) || (rg.max && x > *rg.max) || (rg.above && x <= *rg.above);
    if (bad) report(c, rg.field, "out-of-range", {}, v.text);
  }
}

void Validator::checkPhonesNames(Context& c) const {
  for (const Field* f : rules_.phone_fields) {
    const FieldValue& v = c.value(f);
    if (v.kind != FieldValue::Kind::String) continue;
    // Several numbers may share the cell: each must be a phone number.
    std::string text = v.text;
    for (const std::string& sep : rules_.phone_separators)
      for (size_t at; !sep.empty() && (at = text.find(sep)) != std::string::npos;)
        text.replace(at, sep.size(), "\n");
    size_t start = 0;
    bool ok = true;
    while (start <= text.size()) {
      size_t end = text.find('\n', start);
      std::string_view part = std::string_view(text).substr(start, end - start);
      if (!part.empty() && !isPhoneNumber(part)) ok = false;
      if (end == std::string::npos) break;
      start = end + 1;
    }
    if (!ok) report(c, f, "phone-format", {}, options_.mask ? maskPhone(v.text) : v.text);
  }
  for (const Field* f : rules_.name_fields) {
    const FieldValue& v = c.value(f);
    if (v.kind != FieldValue::Kind::String) continue;
    size_t chars = 0, i = 0;
    char32_t bad = 0;  // the first character a name may not hold
    while (i < v.text.size()) {
      char32_t cp = decodeUtf8(v.text, &i);  // always: it is what moves `i` on
      if (!bad && !isNameCharacter(cp)) bad = cp;
      ++chars;
    }
    // Say what is wrong: the operator fixes the cell, not the rule.
    if (bad) {
      std::string ch;
      appendUtf8(ch, bad);
      char code[16];
      std::snprintf(code, sizeof code, "U+%04X", unsigned(bad));
      bool digit = (bad >= '0' && bad <= '9') || (bad >= 0xFF10 && bad <= 0xFF19);
      report(c, f, "name-format", {{"char", ch}, {"code", code}}, v.text,
             digit ? "name-format-digit" : "name-format-char");
    } else if (chars < rules_.name_min || chars > rules_.name_max) {
      report(c, f, "name-format",
             {{"count", std::to_string(chars)},
              {"min", std::to_string(rules_.name_min)},
              {"max", std::to_string(rules_.name_max)}},
             v.text, chars < rules_.name_min ? "name-format-short" : "name-format-long");
    }
  }
}

void Validator::checkPhoto(Context& c) const {
  if (options_.photos_dir.empty() || !rules_.photo) return;
  std::vector<std::string> candidates;
  const FieldValue& photo = c.value(rules_.photo);
  if (photo.kind == FieldValue::Kind::String) {
    candidates.push_back(photo.text);
  } else if (c.value(rules_.id).kind == FieldValue::Kind::String) {
    // No file named: the convention is the identity number.
    for (const char* ext : {".jpg", ".jpeg", ".png", ".JPG"})
      candidates.push_back(c.value(rules_.id).text + ext);
  }
  for (const std::string& name : candidates) {
    if (name.find("..") != std::string::npos) continue;  // never leave the photo folder
    std::string path = options_.photos_dir + "/" + name;
    if (!isFile(path)) continue;
    if (!startsWithImage(path)) report(c, rules_.photo, "photo-invalid", {}, name);
    return;
  }
  report(c, rules_.photo, "photo-missing", {},
         photo.kind == FieldValue::Kind::String ? photo.text : "");
}

void Validator::checkDuplicate(Context& c) {
  if (!rules_.id || c.value(rules_.id).kind != FieldValue::Kind::String) return;
  const std::string& id = c.value(rules_.id).text;
  uint64_t key = packIdNumber(id);
  if (!key) return;
  // Records come sheet by sheet: the place changes rarely, so remember the last one.
  if (places_.empty() || last_src_ != c.r.src || last_sheet_ != c.r.sheet) {
    last_src_ = c.r.src;
    last_sheet_ = c.r.sheet;
    std::string place = c.r.src + '\t' + c.r.sheet;
    auto [pi, fresh_place] = place_index_.emplace(place, uint32_t(places_.size()));
    if (fresh_place) places_.push_back(place);
    last_place_ = pi->second;
  }
  bool created = false;
  Seen& seen = seen_.insert(key, &created);
  if (created) {
    seen = Seen{last_place_, uint32_t(c.r.row)};
    return;
  }
  const std::string place = places_[last_place_];
  const std::string& first = places_[seen.where];
  std::string row = std::to_string(seen.row);
  std::string shown = options_.mask ? maskIdNumber(id) : id;
  if (first == place) {
    report(c, rules_.id, "duplicate-id", {{"first", row}}, shown);
    return;
  }
  // Elsewhere: name the file (when it is another) and the sheet (when it has one) in words.
  size_t tab = first.find('\t');
  std::string file = first.substr(0, tab), sheet = first.substr(tab + 1);
  bool same_file = file == c.r.src;
  const char* where_key = same_file       ? "duplicate-id-where-sheet"
                          : sheet.empty() ? "duplicate-id-where-file"
                                          : "duplicate-id-where-file-sheet";
  std::string where = schema_.messages().format(where_key, options_.lang,
                                                {{"file", file}, {"sheet", sheet}, {"row", row}});
  report(c, rules_.id, "duplicate-id", {{"first", row}, {"where", where}}, shown,
         "duplicate-id-elsewhere");
}

}  // namespace vetkit
