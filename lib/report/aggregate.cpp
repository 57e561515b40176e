#include "report/aggregate.h"

#include <algorithm>
#include <set>

#include "report/table.h"
#include "text/utf8.h"

namespace vetkit {
namespace {

// Where an appeal splits into clauses: ASCII punctuation and blanks, and the full-width marks
// Chinese text uses (，。；：、！？（）“”‘’《》…).
bool isBreak(char32_t c) {
  if (c < 0x80)
    return c <= ' ' ||
           std::string_view(",.;:!?()[]\"'/\\|-_*#~").find(char(c)) != std::string_view::npos;
  switch (c) {
    case U'，':
    case U'。':
    case U'；':
    case U'：':
    case U'、':
    case U'！':
    case U'？':
    case U'（':
    case U'）':
    case U'“':
    case U'”':
    case U'‘':
    case U'’':
    case U'《':
    case U'》':
    case U'…':
    case U'　':
    case U'—':
    case U'·':
      return true;
    default:
      return false;
  }
}

}  // namespace

std::vector<const Field*> distributionFields(const Schema& schema) {
  std::vector<const Field*> out;
  for (const char* id : {"placement", "employment_status", "has_housing", "housing_nature",
                         "benefit_types", "insurance", "dibao", "disability_subsidy"})
    if (const Field* f = schema.field(id)) out.push_back(f);
  return out;
}

std::vector<std::string> appealPhrases(std::string_view text) {
  std::vector<std::string> out;
  std::string cur;
  size_t chars = 0;
  auto flush = [&]() {
    // List numbering left at the front ("1" of "1.住房困难" is cut at the dot already).
    size_t digits = cur.find_first_not_of("0123456789");
    if (digits == std::string::npos) cur.clear();
    if (chars - digits >= 2 && !cur.empty()) out.push_back(cur.substr(digits));
    cur.clear();
    chars = 0;
  };
  size_t pos = 0;
  while (pos < text.size()) {
    size_t start = pos;
    char32_t c = decodeUtf8(text, &pos);
    if (isBreak(c)) {
      flush();
    } else {
      cur.append(text.substr(start, pos - start));
      ++chars;
    }
  }
  flush();
  return out;
}

Aggregator::Aggregator(const Schema& schema, ReportOptions options)
    : schema_(schema), options_(std::move(options)) {
  category_ = schema.categoryField();
  unit_ = schema.field("unit");
  plaque_ = schema.field("plaque_hung");
  plaque_date_ = schema.field("plaque_date");
  appeals_ = schema.field("appeals");
  hukou_ = schema.field("hukou_division");
  photo_ = schema.field("photo");
  report_.report_date = options_.report_date;
  report_.generated_at = options_.generated_at;
  for (const Field* f : distributionFields(schema)) report_.distributions.push_back({f, {}, 0});
}

// A column of free text can hold another value on every row: past the first few
// unrecognised values, the rest share one row (or column) of the report, or the table of
// units by categories would grow with the square of the input.
std::string Aggregator::bucket(std::string value, bool known,
                               std::set<std::string>* verbatim) const {
  if (value.empty() || known || verbatim->count(value)) return value;
  if (verbatim->size() < options_.verbatim_shown) {
    verbatim->insert(value);
    return value;
  }
  return reportLabel(schema_, options_.lang, "other-values");
}

void Aggregator::addBatch(const BatchRow& batch) {
  declared_batches_ = true;
  batch_index_.emplace(batch.file, report_.batches.size());
  report_.batches.push_back(batch);
}

void Aggregator::countPhrases(std::string_view text) {
  for (std::string& p : appealPhrases(text)) {
    auto it = phrases_.find(p);
    if (it != phrases_.end()) {
      ++it->second;
      continue;
    }
    // Lossy counting: when the table is full, phrases seen once make way. Frequent phrases
    // keep exact counts as long as they recur before each pruning.
    if (phrases_.size() >= options_.phrase_cap) {
      std::erase_if(phrases_, [](const auto& e) { return e.second <= 1; });
      report_.phrases_pruned = true;
      if (phrases_.size() >= options_.phrase_cap) continue;
    }
    phrases_.emplace(std::move(p), 1);
  }
}

void Aggregator::add(const Record& r, const std::vector<Diagnostic>& diags) {
  static const FieldValue kAbsent;
  auto value = [&](const Field* f) -> const FieldValue& {
    return f && f->index < r.fields.size() ? r.fields[f->index] : kAbsent;
  };
  const FieldValue& cat = value(category_);
  const FieldValue& unit_value = value(unit_);
  std::string category = cat.kind == FieldValue::Kind::String ? cat.text : "";
  std::string unit = unit_value.kind == FieldValue::Kind::String ? unit_value.text : "";
  const CodeTable* units = schema_.table("units");
  category =
      bucket(std::move(category), category_ && category_->table && category_->table->find(category),
             &verbatim_categories_);
  unit = bucket(std::move(unit),
                (units && units->find(unit)) || schema_.divisions().find(unit) != nullptr,
                &verbatim_units_);

  ++report_.records;
  UnitStats& u = report_.units[unit];
  if (u.required.empty()) {
    for (auto* v : {&u.required, &u.present, &u.applicable, &u.filled})
      v->assign(schema_.fields().size(), 0);
  }
  ++u.records;
  ++u.by_category[category];
  if (!r.sheet.empty()) ++report_.townships[{unit, r.sheet, category}];

  for (const Field& f : schema_.fields()) {
    bool present = value(&f).present();
    if (schema_.applies(f, category)) ++u.applicable[f.index], u.filled[f.index] += present;
    if (!schema_.isRequired(f, category)) continue;
    ++u.required[f.index];
    if (present) ++u.present[f.index];
  }
  if (value(photo_).present()) ++u.photo;

  // Where the person is registered, and whether that county's own office collected them: the
  // county a correction goes back to.
  const FieldValue& hukou = value(hukou_);
  std::string county =
      schema_.countyOf(hukou.kind == FieldValue::Kind::String ? std::string_view(hukou.text) : "");
  HukouStats& h = report_.hukou[county];
  ++h.records;
  if (!county.empty() && schema_.countyOf(unit) == county) ++h.own_unit;

  bool errors = false, warnings = false;
  for (const Diagnostic& d : diags) {
    ++u.problems[d.code];
    report_.rule_severity.emplace(d.code, d.severity);
    if (d.severity == Severity::Error) ++report_.errors, errors = true;
    if (d.severity == Severity::Warning) ++report_.warnings, warnings = true;
  }
  u.with_errors += errors;
  u.with_warnings += warnings;
  report_.with_errors += errors;
  report_.with_warnings += warnings;

  for (Distribution& d : report_.distributions) {
    const FieldValue& v = value(d.field);
    switch (v.kind) {
      case FieldValue::Kind::Absent:
        ++d.absent;
        break;
      case FieldValue::Kind::Bool:
        ++d.counts[v.boolean ? "true" : "false"];
        break;
      case FieldValue::Kind::Array:
        for (const std::string& item : v.items) ++d.counts[item];
        if (v.items.empty()) ++d.absent;
        break;
      default:
        ++d.counts[v.text];
    }
  }

  // The plaque's progress counts only the categories it is hung for.
  if (plaque_ && schema_.applies(*plaque_, category)) {
    const FieldValue& plaque = value(plaque_);
    bool known = plaque.kind == FieldValue::Kind::Bool;
    ++u.plaque_entitled;
    if (known) ++(plaque.boolean ? u.plaque_hung : u.plaque_not_hung);
    if (value(plaque_date_).present()) ++u.plaque_dated;
    if (!r.sheet.empty()) {
      PlaqueProgress& p = report_.plaque_townships[{unit, r.sheet}];
      ++p.entitled;
      if (known) ++(plaque.boolean ? p.hung : p.not_hung);
    }
  }

  // An appeal spelled as "none" (无, 暂无: the schema's empty values) is no appeal.
  const FieldValue& appeal = value(appeals_);
  if (appeal.kind == FieldValue::Kind::String && !schema_.isEmptyValue(appeal.text)) {
    ++report_.appeals;
    countPhrases(appeal.text);
  }

  if (!declared_batches_) {
    const std::string& src = r.src.empty() ? std::string("-") : r.src;
    if (src != last_src_ || report_.batches.empty()) {
      auto [it, added] = batch_index_.emplace(src, report_.batches.size());
      if (added) report_.batches.push_back({src, "", unit, "", "", "", 0, false, false, "", ""});
      last_src_ = src;
      last_batch_ = it->second;
    }
    BatchRow& b = report_.batches[last_batch_];
    ++b.records;
    // A batch mixing units names them all, in the order met.
    if (!unit.empty() && b.unit != unit &&
        (',' + b.unit + ',').find(',' + unit + ',') == std::string::npos)
      b.unit += (b.unit.empty() ? "" : ",") + unit;
  }
}

Report Aggregator::finish() {
  std::vector<std::pair<std::string, size_t>> all(phrases_.begin(), phrases_.end());
  size_t n = std::min(options_.top_phrases, all.size());
  std::partial_sort(all.begin(), all.begin() + n, all.end(), [](const auto& a, const auto& b) {
    return a.second != b.second ? a.second > b.second : a.first < b.first;
  });
  all.resize(n);
  report_.top_phrases = std::move(all);
  phrases_.clear();
  return std::move(report_);
}

}  // namespace vetkit
