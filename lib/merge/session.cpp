#include "merge/session.h"

#include <simdjson.h>

#include <algorithm>
#include <cerrno>
#include <fstream>

#include "core/text_catalogue.h"
#include "merge/session_impl.h"
#include "record/value_equivalence.h"
#include "text/id_number.h"

namespace vetkit {

void setPerson(const Schema& schema, const Record& r, PersonRef* p) {
  auto text = [&](const char* id) -> std::string {
    const Field* f = schema.field(id);
    return f && r.fields[f->index].kind == FieldValue::Kind::String ? r.fields[f->index].text
                                                                    : std::string();
  };
  p->name = text("name");
  p->birth_date = text("birth_date");
  p->gender = text("gender");
  p->phone = text("phone");
  p->id15 = r.id15;
  p->src = r.src;
  p->sheet = r.sheet;
  p->row = r.row;
}

bool MergeSession::Impl::mergeGroup(const std::string& key, std::vector<Record>& records,
                                    const std::vector<SourceTag>& tags, std::string* line,
                                    PersonRef* person) {
  std::vector<MergeSource> sources(records.size());
  for (size_t i = 0; i < records.size(); ++i) {
    if (unit_field != size_t(-1) && !records[i].fields[unit_field].present() &&
        !tags[i].unit.empty()) {
      records[i].fields[unit_field].kind = FieldValue::Kind::String;
      records[i].fields[unit_field].text.assign(tags[i].unit);
    }
    sources[i] = {&records[i], std::string(tags[i].unit)};
  }
  std::vector<FieldResolution> res;
  resolveFields(policy, sources, &res);
  // People adjudicated "same": the key fields keep the surviving key's values.
  for (size_t f : options.key.fields) {
    if (!res[f].conflict) continue;
    for (size_t i = 0; i < records.size(); ++i)
      if (recordKey(records[i], options.key) == key) {
        res[f].chosen = int(i), res[f].rule = MergeRule::Decision;
        break;
      }
  }
  conflict_buf.clear();
  // The name a conflict is shown with: the first source's that has one.
  std::string_view name;
  if (const Field* nf = schema.field("name"))
    for (const Record& rec : records)
      if (rec.fields[nf->index].present()) {
        name = rec.fields[nf->index].text;
        break;
      }
  for (const FieldResolution& r : res) {
    if (!r.conflict) continue;
    // When, by whom or how the record was collected (`about: collection`) is no conflict
    // about the person; the unit is, as the fact that several units list them (below).
    if (schema.fields()[r.field].about_collection && r.field != unit_field) continue;
    ++counts.conflicts;
    appendConflict(key, name, schema.fields()[r.field], sources, tags, r, &conflict_buf);
    if (r.field == unit_field) {
      ++counts.unit_conflicts;
      // Each unit once, in the order first seen: a person repeated within one county's sheet
      // is that county's once.
      std::string units;
      std::vector<std::string_view> seen;
      for (const MergeSource& s : sources) {
        const FieldValue& v = s.record->fields[unit_field];
        if (std::find(seen.begin(), seen.end(), std::string_view(v.text)) != seen.end()) continue;
        seen.push_back(v.text);
        const CodeEntry* e = schema.table("units") ? schema.table("units")->find(v.text) : nullptr;
        if (!units.empty()) units += options.lang == Lang::Zh ? "、" : ", ";
        units += e ? e->label : v.text;
      }
      for (size_t i = 1; i < records.size(); ++i)
        report(Severity::Warning, records[i].src, records[i].sheet, records[i].row, "unit-conflict",
               {{"units", units},
                {"first", records[0].src + ":" +
                              (records[0].sheet.empty() ? "" : records[0].sheet + ":") +
                              std::to_string(records[0].row)}},
               "unit");
    }
  }
  emit(out.conflicts, conflict_buf);
  line->clear();
  if (!writer.writeMerged(sources, res, tags, refinedMember(sources, res), line)) return false;
  setPerson(schema, records[0], person);
  auto textOf = [&](const char* id, std::string* to) {
    const Field* f = schema.field(id);
    if (!f || res[f->index].chosen < 0) return;
    const FieldValue& v = records[res[f->index].chosen].fields[f->index];
    if (v.kind == FieldValue::Kind::String) *to = v.text;
  };
  textOf("name", &person->name);
  textOf("birth_date", &person->birth_date);
  textOf("gender", &person->gender);
  person->key = key;
  person->unit.clear();
  for (const SourceTag& t : tags)
    if (person->unit.find(t.unit) == std::string::npos)
      person->unit += (person->unit.empty() ? "" : ",") + std::string(t.unit);
  return true;
}

std::string MergeSession::Impl::refinedMember(const std::vector<MergeSource>& sources,
                                              const std::vector<FieldResolution>& res) const {
  std::string extra;
  for (const FieldResolution& r : res) {
    if (!r.refined) continue;
    const Field& f = schema.fields()[r.field];
    const FieldValue* from = nullptr;  // the least exact of the values
    for (const MergeSource& s : sources) {
      const FieldValue& v = s.record->fields[r.field];
      if (v.present() && (!from || precision(f, v) < precision(f, *from))) from = &v;
    }
    extra += extra.empty() ? "\"_refined\":{" : ",";
    JsonWriter::appendQuoted(&extra, f.id);
    extra += ":{\"from\":";
    appendFieldValue(*from, &extra);
    extra += ",\"to\":";
    appendFieldValue(sources[r.chosen].record->fields[r.field], &extra);
    extra += '}';
  }
  if (!extra.empty()) extra += '}';
  return extra;
}

// "号码仅校验位不同；姓名相同；出生日期相同；联系电话相同": the reason, then the evidence, in
// words a person adjudicating the pair can check against the two sheets.
std::string MergeSession::Impl::candidateWhy(const Candidate& c) const {
  const Messages& m = schema.messages();
  std::string why = m.format(std::string("candidate-") + c.reason, options.lang, {});
  bool said = std::string_view(c.reason).starts_with("same-name-birth");
  for (const char* e : c.evidence) {
    std::string_view code = e;
    if (said && (code == "same-name" || code == "same-birth")) continue;  // the reason says it
    why += options.lang == Lang::Zh ? "；" : "; ";
    why += m.format(std::string("candidate-evidence-") + e, options.lang,
                    {{"a", c.a->birth_date}, {"b", c.b->birth_date}});
  }
  return why;
}

void MergeSession::Impl::findCandidates(
    const std::vector<std::pair<const PersonRef*, bool>>& people) {
  CandidateFinder finder;
  for (const auto& [p, fresh] : people) finder.add(p, fresh);
  for (const std::string& pk : different) {
    size_t nl = pk.find('\n');
    finder.suppress(pk.substr(0, nl), pk.substr(nl + 1));
  }
  std::string buf;
  for (const Candidate& c : finder.find()) {
    ++counts.candidates;
    appendCandidate(c, candidateWhy(c), &buf);
    if (buf.size() > (1 << 20)) emit(out.candidates, buf), buf.clear();
  }
  emit(out.candidates, buf);
}

bool MergeRequest::check(const MergeOptions& options, const std::string& output,
                         const std::string& format, const Messages& messages,
                         std::string* why) const {
  bool reading = this->reading();
  // Each refusal is a message of its own (merge-usage-* in messages.yaml), in --lang.
  auto no = [&](const char* code) { return *why = messages.format(code, options.lang, {}), false; };
  if (check_set)
    return (db.empty() && files.size() == 1 && !trusted.empty() && !do_export && history.empty()) ||
           no("merge-usage-check-set");
  if (!manifest.empty() && (!do_export || output == "-" || format != "jsonl"))
    return no("merge-usage-manifest");
  if (!inputs.empty()) return no("merge-usage-check-set");
  if (reading && db.empty()) return no("merge-usage-read-needs-db");
  if (do_export && !history.empty()) return no("merge-usage-export-history");
  if (reading && !files.empty()) return no("merge-usage-read-no-file");
  if (!reading && files.empty() && (db.empty() || decisions.empty()))
    return no("merge-usage-no-input");
  if (options.replies && (db.empty() || reading)) return no("merge-usage-replies");
  if (options.require_signed && trusted.empty()) return no("merge-usage-require-signed");
  if (!trusted.empty() && (db.empty() || reading)) return no("merge-usage-trusted-needs-db");
  if (!trusted.empty() && (!options.signer.empty() || !options.key_id.empty()))
    return no("merge-usage-signer-trusted");
  if (!db.empty() && !reading && output != "-") return no("merge-usage-output-db");
  if (!db.empty() && !reading && format != "jsonl") return no("merge-usage-format-db");
  return true;
}

int MergeSession::run(const MergeRequest& request, Store* store) {
  if (request.check_set) return checkSet(request);
  impl_->manifest = request.manifest;
  impl_->set_name = request.output;
  if (!store) return mergeToStream(request.files);
  if (request.do_export) return exportStore(*store);
  if (!request.history.empty()) return historyOf(*store, request.history);
  return mergeToStore(*store, request.files);
}

bool MergeSetup::load(const std::string& schema_path, const std::string& policy_path,
                      const std::string& key, const std::string& trusted, MergeOptions* options,
                      std::string* err) {
  schema = Schema::load(schema_path, err);
  if (!schema) return false;
  schema->messages().speak(options->lang);
  if (!MergePolicy::load(policy_path.empty() ? MergePolicy::pathBeside(schema_path) : policy_path,
                         *schema, &policy, err) ||
      !parseKeySpec(*schema, key, &options->key, err))
    return false;
  return loadTrust(trusted, options, err);
}

bool MergeSetup::loadTrust(const std::string& trusted, MergeOptions* options, std::string* err) {
  if (trusted.empty()) return true;
  if (!trust.load(trusted, err)) return *err = "--trusted: " + *err, false;
  options->trust = &trust;
  return true;
}

MergeSession::MergeSession(const Schema& schema, const MergePolicy& policy, MergeOptions options,
                           MergeOutputs outputs)
    : impl_(std::make_unique<Impl>(schema, policy, std::move(options), std::move(outputs),
                                   counts_)) {}
MergeSession::~MergeSession() = default;

std::unique_ptr<Store> MergeSession::openStore(const std::string& where, std::string* err) const {
  return Store::openOrCreate(where, err, {&impl_->schema.messages(), impl_->options.lang});
}

bool MergeSession::loadDecisions(const std::string& path, std::string* err) {
  std::ifstream in(path);
  if (!in) return *err = path + ": " + errnoText(errno), false;
  impl_->decisions_file = path;
  simdjson::ondemand::parser parser;
  std::string line;
  size_t n = 0;
  while (std::getline(in, line)) {
    ++n;
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    simdjson::padded_string padded(line);
    simdjson::ondemand::document doc;
    std::string a, b, d;
    auto keyOf = [](simdjson::ondemand::value v, std::string* to) {
      std::string_view s;
      if (!v.get_string().get(s)) return to->assign(s), true;
      simdjson::ondemand::object o;
      if (v.get_object().get(o) || o["key"].get_string().get(s)) return false;
      return to->assign(s), true;
    };
    bool ok = !parser.iterate(padded).get(doc);
    simdjson::ondemand::object obj;
    ok = ok && !doc.get_object().get(obj);
    if (ok) {
      for (auto member : obj) {
        std::string_view k;
        simdjson::ondemand::value v;
        if (member.unescaped_key().get(k) || member.value().get(v)) {
          ok = false;
          break;
        }
        std::string key(k);
        if (key == "a")
          ok = ok && keyOf(v, &a);
        else if (key == "b")
          ok = ok && keyOf(v, &b);
        else if (key == "decision") {
          std::string_view s;
          ok = ok && !v.get_string().get(s);
          d.assign(ok ? s : "");
        }
      }
    }
    if (!ok || a.empty() || b.empty() || (d != "same" && d != "different")) {
      *err = path + ":" + std::to_string(n) +
             ": expected {\"a\": KEY, \"b\": KEY, \"decision\": \"same\"|\"different\"}";
      return false;
    }
    a = identityKey(a), b = identityKey(b);
    impl_->decisions.push_back({a, b, d});
    impl_->addDecision(a, b, d);
  }
  return true;
}
int MergeSession::checkSet(const MergeRequest& request) {
  Impl& m = *impl_;
  m.checked = true;
  return checkSetManifest({request.files[0], request.manifest, request.inputs, m.options.trust,
                           m.options.lang, m.options.key, m.options.import, m.options.mask},
                          m.schema, m.out.diagnostic, &m.set_counts);
}

std::string MergeSession::summaryLine() const {
  if (impl_->checked) {
    const SetCheckCounts& c = impl_->set_counts;
    return impl_->schema.messages().format("set-check-summary-values", impl_->options.lang,
                                           {{"records", std::to_string(c.records)},
                                            {"batches", std::to_string(c.batches)},
                                            {"bad", std::to_string(c.bad_batches)},
                                            {"uncovered", std::to_string(c.uncovered)},
                                            {"forged", std::to_string(c.forged)}});
  }
  const MergeCounts& c = counts_;
  return impl_->schema.messages().format("merge-summary", impl_->options.lang,
                                         {{"inputs", std::to_string(c.inputs)},
                                          {"failed", std::to_string(c.failed)},
                                          {"records", std::to_string(c.records)},
                                          {"people", std::to_string(c.people)},
                                          {"merged", std::to_string(c.merged)},
                                          {"conflicts", std::to_string(c.conflicts)},
                                          {"candidates", std::to_string(c.candidates)},
                                          {"duplicates", std::to_string(c.duplicates)},
                                          {"unit_conflicts", std::to_string(c.unit_conflicts)},
                                          {"absent", std::to_string(c.absent)}});
}

}  // namespace vetkit
