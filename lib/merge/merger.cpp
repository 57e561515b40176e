#include "merge/merger.h"

#include <simdjson.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <ctime>
#include <fstream>
#include <unordered_map>
#include <unordered_set>

#include "core/exit_status.h"
#include "import/record_source.h"
#include "merge/candidates.h"
#include "merge/digest.h"
#include "merge/output.h"
#include "merge/people.h"
#include "record/json_writer.h"
#include "record/record_reader.h"
#include "sign/verify.h"
#include "text/id_number.h"

namespace vetkit {

namespace {

// One record of a stream-mode merge, kept until the output is written.
struct StreamEntry {
  std::string raw_key;  // before decisions mapped it
  std::string line, src, sheet, unit;
  long row = 0;
  size_t file = 0;
  PersonRef person;
};

std::string utcNow() {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

void setPerson(const Schema& schema, const Record& r, PersonRef* p) {
  auto text = [&](const char* id) -> std::string {
    const Field* f = schema.field(id);
    return f && r.fields[f->index].kind == FieldValue::Kind::String ? r.fields[f->index].text
                                                                    : std::string();
  };
  p->name = text("name");
  p->birth_date = text("birth_date");
  p->gender = text("gender");
  p->id15 = r.id15;
  p->src = r.src;
  p->sheet = r.sheet;
  p->row = r.row;
}

}  // namespace

struct MergeSession::Impl {
  const Schema& schema;
  const MergePolicy& policy;
  MergeOptions options;
  MergeOutputs out;
  MergeCounts& counts;
  MergedWriter writer;
  RecordReader reader;
  size_t unit_field;
  std::unordered_map<std::string, std::string> alias;  // key -> the key it is the same as
  std::vector<std::array<std::string, 3>> decisions;   // a, b, decision as read
  std::unordered_set<std::string> different;           // CandidateFinder::pairKey
  std::string conflict_buf;

  Impl(const Schema& s, const MergePolicy& p, MergeOptions o, MergeOutputs outs, MergeCounts& c)
      : schema(s),
        policy(p),
        options(std::move(o)),
        out(std::move(outs)),
        counts(c),
        writer(s),
        reader(s) {
    const Field* f = s.field("unit");
    unit_field = f ? f->index : size_t(-1);
  }

  void report(Severity sev, const std::string& file, const std::string& sheet, long row,
              const char* code, const MessageArgs& args, const std::string& field = {},
              const std::string& value = {}, bool preformatted = false) {
    if (!out.diagnostic) return;
    Diagnostic d;
    d.severity = sev;
    d.file = file;
    d.sheet = sheet;
    d.row = int(row);
    d.code = code;
    d.field = field;
    d.message = preformatted ? args[0].second : schema.messages().format(code, options.lang, args);
    d.value = value;
    out.diagnostic(d);
  }

  // Identity numbers on stderr are masked: a terminal is a wider audience than a file.
  std::string shownKey(const std::string& key) const {
    return options.mask && looksLikeId18(key) ? maskIdNumber(key) : key;
  }

  const std::string& canonical(const std::string& key) const {
    const std::string* k = &key;
    for (int hops = 0; hops < 16; ++hops) {  // chains of "same"; a cycle stops here
      auto it = alias.find(*k);
      if (it == alias.end()) break;
      k = &it->second;
    }
    return *k;
  }

  std::string keyOf(const Record& r) const {
    std::string k = recordKey(r, options.key);
    if (k.empty()) {
      // No key: the person stands alone, keyed by where the record is.
      k = "?" + r.src + ":" + r.sheet + ":" + std::to_string(r.row);
    }
    return canonical(k);
  }

  void addDecision(std::string a, std::string b, const std::string& d) {
    if (d == "different") {
      different.insert(CandidateFinder::pairKey(a, b));
      return;
    }
    // The number that passes its check survives; else the first named.
    bool a_ok = looksLikeId18(a) && checkIdNumber(a) == IdStatus::Ok;
    bool b_ok = looksLikeId18(b) && checkIdNumber(b) == IdStatus::Ok;
    if (b_ok && !a_ok) std::swap(a, b);
    if (canonical(a) != b) alias[b] = a;
  }

  static void emit(LineOutput* o, const std::string& lines) {
    if (!o || lines.empty()) return;
    o->buffer()->append(lines);
    o->wrote();
  }

  // Merges the sources of one person; the merged line goes to `line`, conflicts to the
  // conflict report. `records` are modified (an empty `unit` takes the source's unit).
  bool mergeGroup(const std::string& key, std::vector<Record>& records,
                  const std::vector<SourceTag>& tags, std::string* line, PersonRef* person) {
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
    for (const FieldResolution& r : res) {
      if (!r.conflict) continue;
      ++counts.conflicts;
      appendConflict(key, schema.fields()[r.field], sources, tags, r, &conflict_buf);
      if (r.field == unit_field) {
        ++counts.unit_conflicts;
        std::string units;
        for (const MergeSource& s : sources) {
          const FieldValue& v = s.record->fields[unit_field];
          const CodeEntry* e =
              schema.table("units") ? schema.table("units")->find(v.text) : nullptr;
          if (!units.empty()) units += options.lang == Lang::Zh ? "、" : ", ";
          units += e ? e->label : v.text;
        }
        for (size_t i = 1; i < records.size(); ++i)
          report(Severity::Warning, records[i].src, records[i].sheet, records[i].row,
                 "unit-conflict",
                 {{"units", units},
                  {"first", records[0].src + ":" +
                                (records[0].sheet.empty() ? "" : records[0].sheet + ":") +
                                std::to_string(records[0].row)}},
                 "unit");
      }
    }
    emit(out.conflicts, conflict_buf);
    line->clear();
    if (!writer.writeMerged(sources, res, tags, {}, line)) return false;
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

  void findCandidates(const std::vector<std::pair<const PersonRef*, bool>>& people) {
    CandidateFinder finder;
    for (const auto& [p, fresh] : people) finder.add(p, fresh);
    for (const std::string& pk : different) {
      size_t nl = pk.find('\n');
      finder.suppress(pk.substr(0, nl), pk.substr(nl + 1));
    }
    std::string buf;
    for (const Candidate& c : finder.find()) {
      ++counts.candidates;
      appendCandidate(c, &buf);
      if (buf.size() > (1 << 20)) emit(out.candidates, buf), buf.clear();
    }
    emit(out.candidates, buf);
  }

  // A stream without provenance gets `_src`/`_row` from readRecords; the line must carry
  // them too, or the store would forget where the record came from.
  static void ensureProvenance(Record& r) {
    if (r.line.find("\"_src\"") != std::string::npos || r.line.empty() || r.line.back() != '}')
      return;
    r.line.pop_back();
    r.line += r.line.size() > 1 ? ",\"_src\":" : "\"_src\":";
    JsonWriter::appendQuoted(&r.line, r.src);
    r.line += ",\"_row\":" + std::to_string(r.row) + "}";
  }

  // The store's people (store runs only).
  KeyPacker packer;
  KeyIndex index;
  std::vector<Person> people;
  size_t live = 0;
  std::vector<std::string> unit_sets;  // "431302", "431302,431321" ...: Person::units
  std::unordered_map<std::string, uint32_t> unit_set_ids;

  uint32_t unitSet(std::string_view units);
  uint32_t personFor(std::string_view key);
  uint32_t last_units = 0;  // the unit set remembered last: most rows repeat it
  void remember(uint32_t who, const CurrentRow& row);
  void remember(uint32_t who, const Store::Brief& brief);
  void forget(uint32_t who);
  bool checkSignature(const std::string& path, BatchInfo* info);

  int mergeStore(Store& store, const std::vector<std::string>& files);
  bool mergeBatch(Store& store, const std::string& path, int* status);
  bool recompute(Store& store, uint32_t who, const std::string& key, int64_t absent_from);
  bool storeCandidates(Store& store);
};

MergeSession::MergeSession(const Schema& schema, const MergePolicy& policy, MergeOptions options,
                           MergeOutputs outputs)
    : impl_(std::make_unique<Impl>(schema, policy, std::move(options), std::move(outputs),
                                   counts_)) {}
MergeSession::~MergeSession() = default;

bool MergeSession::loadDecisions(const std::string& path, std::string* err) {
  std::ifstream in(path);
  if (!in) return *err = path + ": " + std::strerror(errno), false;
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

int MergeSession::mergeToStream(const std::vector<std::string>& files) {
  Impl& m = *impl_;
  std::vector<StreamEntry> entries;
  std::unordered_map<std::string, std::vector<size_t>> groups;
  std::vector<std::string> order;
  int status = kExitOk;
  for (size_t fi = 0; fi < files.size(); ++fi) {
    const std::string& path = files[fi];
    ++counts_.inputs;
    size_t before = entries.size();
    RecordSourceEvents events;
    events.record = [&](Record& r) {
      StreamEntry e;
      e.raw_key = recordKey(r, m.options.key);
      std::string key = m.keyOf(r);
      e.line = r.line;
      e.src = r.src, e.sheet = r.sheet, e.row = r.row, e.file = fi;
      e.unit = m.options.unit;
      if (e.unit.empty() && m.unit_field != size_t(-1)) e.unit = r.fields[m.unit_field].text;
      setPerson(m.schema, r, &e.person);
      e.person.key = key;
      e.person.unit = e.unit;
      auto& g = groups[key];
      if (g.empty()) order.push_back(key);
      for (size_t i : g)
        if (entries[i].file == fi && entries[i].raw_key == e.raw_key) {
          ++counts_.duplicates;
          m.report(Severity::Error, r.src, r.sheet, r.row, "duplicate-key",
                   {{"first", std::to_string(entries[i].row)}}, {}, m.shownKey(e.raw_key));
          break;
        }
      g.push_back(entries.size());
      entries.push_back(std::move(e));
      return true;
    };
    events.diagnostic = m.out.diagnostic;
    std::string err;
    if (!readRecords(m.schema, path, m.options.import, events, &err)) {
      // Nothing of an unreadable input is merged.
      for (size_t i = before; i < entries.size(); ++i) {
        auto& g = groups[entries[i].person.key];
        std::erase(g, i);
      }
      entries.resize(before);
      ++counts_.failed;
      // readRecords' message already says it could not read.
      m.report(Severity::Error, path, "", 0, "unreadable", {{"reason", err}}, {}, {}, true);
      status = kExitTrouble;
    }
  }
  counts_.records = entries.size();

  std::vector<PersonRef> merged_people;
  merged_people.reserve(order.size());
  std::vector<std::pair<const PersonRef*, bool>> people;
  std::string line;
  std::vector<Record> records;
  std::vector<SourceTag> tags;
  for (const std::string& key : order) {
    const std::vector<size_t>& g = groups[key];
    if (g.empty()) continue;
    ++counts_.people;
    line.clear();
    if (g.size() == 1) {
      const StreamEntry& e = entries[g[0]];
      m.writer.writeSingle(e.line, {e.src, e.sheet, e.unit, e.row, 0}, {}, &line);
      people.emplace_back(&e.person, true);
    } else {
      ++counts_.merged;
      records.resize(g.size());
      tags.clear();
      std::string err;
      for (size_t i = 0; i < g.size(); ++i) {
        const StreamEntry& e = entries[g[i]];
        m.reader.parse(e.line, &records[i], &err);
        records[i].src = e.src, records[i].sheet = e.sheet, records[i].row = e.row;
        tags.push_back({e.src, e.sheet, e.unit, e.row, 0});
      }
      merged_people.emplace_back();
      m.mergeGroup(key, records, tags, &line, &merged_people.back());
      people.emplace_back(&merged_people.back(), true);
    }
    LineOutput* o = m.out.records;
    o->buffer()->append(line);
    o->wrote();
    if (o->brokenPipe()) return status;
  }
  m.findCandidates(people);
  if (status == kExitOk && (counts_.conflicts || counts_.candidates || counts_.duplicates))
    status = kExitFindings;
  return status;
}

bool MergeSession::Impl::recompute(Store& store, uint32_t who, const std::string& key,
                                   int64_t absent_from) {
  std::vector<std::string> lines, units, files;
  std::vector<int64_t> versions, batches;
  if (!store.forEachLive(key, [&](const LiveVersion& v) {
        lines.emplace_back(v.json);
        units.emplace_back(v.unit);
        files.emplace_back(v.source);
        versions.push_back(v.version);
        batches.push_back(v.batch);
      }))
    return false;
  if (lines.empty()) {
    forget(who);
    return store.deleteCurrent(key);
  }
  std::vector<Record> records(lines.size());
  std::vector<SourceTag> tags;
  std::string err;
  for (size_t i = 0; i < lines.size(); ++i) {
    reader.parse(lines[i], &records[i], &err);
    if (records[i].src.empty()) records[i].src = files[i];
  }
  for (size_t i = 0; i < lines.size(); ++i)
    tags.push_back({records[i].src, records[i].sheet, units[i], records[i].row, batches[i]});
  CurrentRow row;
  row.version = versions.back();
  row.sources = int64_t(lines.size());
  row.absent_from = absent_from;
  std::string merged;
  if (lines.size() == 1) {
    setPerson(schema, records[0], &row.person);
    row.person.key = key;
    row.person.unit = units[0];
  } else {
    ++counts.merged;
    if (!mergeGroup(key, records, tags, &merged, &row.person)) return false;
    merged.pop_back();  // the newline
  }
  if (!store.putCurrent(row, merged)) return false;
  remember(who, row);
  return true;
}

uint32_t MergeSession::Impl::unitSet(std::string_view units) {
  auto [it, created] = unit_set_ids.try_emplace(std::string(units), uint32_t(unit_sets.size()));
  if (created) unit_sets.emplace_back(units);
  return it->second;
}

uint32_t MergeSession::Impl::personFor(std::string_view key) {
  bool created;
  uint64_t packed = packer.pack(key);
  uint32_t& slot = index.insert(packed, &created);
  if (created) {
    slot = uint32_t(people.size());
    people.emplace_back();
    people.back().key = packed;
  }
  return slot;
}

void MergeSession::Impl::remember(uint32_t who, const CurrentRow& row) {
  const PersonRef& ref = row.person;
  remember(who, {ref.key, ref.name, ref.birth_date, ref.id15, ref.unit, row.version, row.sources,
                 row.absent_from});
}

void MergeSession::Impl::remember(uint32_t who, const Store::Brief& b) {
  Person& p = people[who];
  if (!p.live) ++live;
  p.live = true;
  p.version = b.version;
  p.sources = uint32_t(b.sources);
  p.absent_from = b.absent_from;
  if (unit_sets.empty() || unit_sets[last_units] != b.units) last_units = unitSet(b.units);
  p.units = last_units;
  p.upgraded = !b.id15.empty();
  p.suspect = p.upgraded || (looksLikeId18(b.key) && checkIdNumber(b.key) != IdStatus::Ok);
  p.name_birth = 0;
  if (!b.name.empty() && !b.birth_date.empty()) {
    std::hash<std::string_view> h;
    p.name_birth = (h(b.name) * 31 + h(b.birth_date)) | 1;
  }
}

void MergeSession::Impl::forget(uint32_t who) {
  if (people[who].live) --live;
  people[who].live = false;
}

bool MergeSession::Impl::mergeBatch(Store& store, const std::string& path, int* status) {
  std::string err;
  BatchInfo info;
  info.source = path;
  info.merged_at = options.now.empty() ? utcNow() : options.now;
  info.signer = options.signer;
  info.key_id = options.key_id;
  Sha256 stdin_sha;
  bool from_stdin = path == "-";
  if (!from_stdin && !sha256File(path, &info.sha256, &err)) {
    report(Severity::Error, path, "", 0, "unreadable", {{"reason", err}});
    ++counts.failed;
    *status = kExitTrouble;
    return true;
  }
  if (!checkSignature(path, &info)) {
    ++counts.failed;
    ++counts.refused;
    if (*status == kExitOk) *status = kExitFindings;
    return true;
  }
  if (!store.begin()) return false;
  int64_t bid = 0;
  bool failed_store = false;
  // People already current are changed in memory as the batch goes; a failed batch is rolled
  // back in the store, so their rows are read back from it (restore()).
  std::vector<std::pair<uint32_t, Person>> before;
  std::vector<uint32_t> redo;  // people to recompute from their live versions, once each
  uint32_t arrivals = 0;
  size_t records = 0;
  CurrentRow row;
  RecordSourceEvents events;
  events.diagnostic = out.diagnostic;
  events.record = [&](Record& r) {
    if (from_stdin) stdin_sha.update(r.line), stdin_sha.update("\n");
    if (bid == 0) {
      info.unit = options.unit;
      if (info.unit.empty() && unit_field != size_t(-1)) info.unit = r.fields[unit_field].text;
      if (!store.addBatch(info, &bid)) return failed_store = true, false;
    }
    ensureProvenance(r);
    std::string raw_key = recordKey(r, options.key);
    std::string key =
        raw_key.empty() ? "?" + r.src + ":" + r.sheet + ":" + std::to_string(r.row) : raw_key;
    if (!alias.empty()) key = canonical(key);
    int64_t version;
    if (!store.addVersion(key, bid, info.unit, r.line, &version)) return failed_store = true, false;
    ++records;
    uint32_t who = personFor(key);
    Person* p = &people[who];
    if (p->seen == bid) {
      ++counts.duplicates;
      report(Severity::Error, r.src, r.sheet, r.row, "duplicate-key",
             {{"first", std::to_string(p->first_row)}}, {}, shownKey(raw_key));
      if (!p->pending) p->pending = true, redo.push_back(who);
      return true;
    }
    before.emplace_back(who, *p);
    p->seen = bid, p->first_row = int32_t(r.row), p->arrival = arrivals++, p->fresh = true;
    if (p->live && !(p->sources == 1 && unit_sets[p->units] == info.unit)) {
      p->pending = true, redo.push_back(who);
      return true;
    }
    // The common case: a new person, or this unit's earlier version of them replaced.
    if (p->live) {
      if (!store.retireVersion(p->version, bid)) return failed_store = true, false;
      ++counts.retired;
    }
    setPerson(schema, r, &row.person);
    row.person.key = key;
    row.person.unit = info.unit;
    row.version = version;
    if (!store.putCurrent(row, {})) return failed_store = true, false;
    remember(who, row);
    return true;
  };
  auto undo = [&]() {
    store.rollback();
    for (auto it = before.rbegin(); it != before.rend(); ++it) {
      Person& p = people[it->first];
      if (p.live != it->second.live) live += it->second.live ? 1 : -1;
      p = it->second;
      p.pending = false;
    }
  };
  bool readable = readRecords(schema, path, options.import, events, &err);
  if (failed_store) return undo(), false;
  if (!readable || bid == 0) {
    undo();
    ++counts.failed;
    *status = kExitTrouble;
    report(Severity::Error, path, "", 0, readable ? "empty" : "unreadable", {{"reason", err}}, {},
           {}, !readable);
    return true;
  }
  counts.records += records;
  if (from_stdin) info.sha256 = stdin_sha.hex();
  const std::string& unit = info.unit;
  // In the order the batch brought them, as the conflict report should list them.
  std::sort(redo.begin(), redo.end(),
            [&](uint32_t a, uint32_t b) { return people[a].arrival < people[b].arrival; });
  for (uint32_t who : redo) {
    people[who].pending = false;
    std::string key = packer.unpack(people[who].key);
    if (!store.retireOlder(key, unit, bid) || !recompute(store, who, key, 0)) return undo(), false;
  }
  // People this unit sent before who are missing from its new batch.
  std::vector<char> ours(unit_sets.size());
  for (size_t i = 0; i < unit_sets.size(); ++i) {
    const std::string& units = unit_sets[i];
    ours[i] = units == unit || (units.find(',') != std::string::npos &&
                                ("," + units + ",").find("," + unit + ",") != std::string::npos);
  }
  std::vector<uint32_t> absent;
  for (uint32_t i = 0; i < people.size(); ++i)
    if (people[i].live && people[i].seen != bid && ours[people[i].units]) absent.push_back(i);
  for (uint32_t who : absent) {
    Person& p = people[who];
    std::string key = packer.unpack(p.key);
    if (options.retire_absent) {
      before.emplace_back(who, p);
      if (!store.retireOlder(key, unit, bid) || !recompute(store, who, key, 0))
        return undo(), false;
      people[who].fresh = true;
      ++counts.retired;
    } else {
      ++counts.absent;
      if (p.absent_from != bid && !store.markAbsent(key, bid)) return undo(), false;
      before.emplace_back(who, p);
      p.absent_from = bid;
    }
  }
  if (!absent.empty())
    report(Severity::Warning, path, "", 0, options.retire_absent ? "absent-retired" : "absent-kept",
           {{"count", std::to_string(absent.size())}, {"unit", unit}});
  // The batch row was written before its size (and, from stdin, its digest) was known.
  if (!store.setBatchRecords(bid, int64_t(records), info.sha256) || !store.commit())
    return undo(), false;
  counts.people = live;
  return true;
}

// Candidate detection over a store's people without holding their names: the people who can
// be in a pair at all — those sharing a hash of name and birth date, and suspect numbers with
// a one-mistake neighbour — are found in memory, read back from the store, and judged.
bool MergeSession::Impl::storeCandidates(Store& store) {
  std::vector<char> involved(people.size());
  std::vector<std::pair<uint64_t, uint32_t>> nb;
  for (uint32_t i = 0; i < people.size(); ++i)
    if (people[i].live && people[i].name_birth) nb.emplace_back(people[i].name_birth, i);
  std::sort(nb.begin(), nb.end());
  for (size_t i = 0; i < nb.size();) {
    size_t j = i + 1;
    bool fresh = people[nb[i].second].fresh;
    while (j < nb.size() && nb[j].first == nb[i].first) fresh |= people[nb[j++].second].fresh;
    if (j - i > 1 && fresh)
      for (size_t x = i; x < j; ++x) involved[nb[x].second] = 1;
    i = j;
  }
  std::vector<std::pair<uint64_t, uint32_t>>().swap(nb);
  // A pair needs a fresh person: the variants of a suspect that is not fresh are looked up
  // among the fresh people only — a table small enough to stay in cache.
  KeyIndex fresh_index;
  for (uint32_t i = 0; i < people.size(); ++i) {
    bool created;
    if (people[i].live && people[i].fresh) fresh_index.insert(people[i].key, &created) = i;
  }
  CurrentRow row;
  for (uint32_t i = 0; i < people.size(); ++i) {
    const Person& p = people[i];
    if (!p.live || !p.suspect) continue;
    const KeyIndex& neighbours = p.fresh ? index : fresh_index;
    // The number as typed is all the variants need; an upgraded one's 15 digits are its key
    // without the century and the check character.
    PersonRef& typed = row.person;
    typed.key = packer.unpack(p.key);
    typed.id15 = p.upgraded ? typed.key.substr(0, 6) + typed.key.substr(8, 9) : std::string();
    forEachIdVariant(typed, [&](const std::string& v, bool) {
      uint64_t packed;
      if (!KeyPacker::packId(v, &packed)) return;
      const uint32_t* j = neighbours.find(packed);
      if (!j || *j == i || !people[*j].live || !(p.fresh || people[*j].fresh)) return;
      involved[i] = involved[*j] = 1;
    });
  }
  std::vector<PersonRef> refs;
  std::vector<std::pair<const PersonRef*, bool>> chosen;
  std::vector<char> fresh;
  refs.reserve(size_t(std::count(involved.begin(), involved.end(), 1)));
  for (uint32_t i = 0; i < people.size(); ++i) {
    if (!involved[i]) continue;
    if (!store.currentRow(packer.unpack(people[i].key), &row)) {
      if (!store.error().empty()) return false;
      continue;
    }
    refs.push_back(std::move(row.person));
    fresh.push_back(people[i].fresh);
  }
  // In key order, so that the report does not depend on the order people were loaded in.
  std::vector<size_t> order(refs.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(),
            [&](size_t a, size_t b) { return refs[a].key < refs[b].key; });
  for (size_t i : order) chosen.emplace_back(&refs[i], fresh[i] != 0);
  findCandidates(chosen);
  return true;
}

int MergeSession::Impl::mergeStore(Store& store, const std::vector<std::string>& files) {
  int status = kExitOk;
  auto storeTrouble = [&]() {
    report(Severity::Error, "", "", 0, "store", {{"reason", store.error()}});
    return int(kExitTrouble);
  };
  // Earlier decisions first, then this run's (which are saved).
  std::vector<std::array<std::string, 3>> earlier;
  if (!store.forEachDecision([&](std::string_view a, std::string_view b, std::string_view d) {
        earlier.push_back({std::string(a), std::string(b), std::string(d)});
      }))
    return storeTrouble();
  for (auto& d : earlier) addDecision(d[0], d[1], d[2]);
  if (!store.forEachCurrentBrief([&](const Store::Brief& b) { remember(personFor(b.key), b); }))
    return storeTrouble();
  if (!decisions.empty()) {
    if (!store.begin()) return storeTrouble();
    for (auto& d : decisions) {
      if (!store.addDecision(d[0], d[1], d[2], 0)) return store.rollback(), storeTrouble();
      if (d[2] != "same") continue;
      for (const std::string* k : {&d[0], &d[1]}) {
        const std::string& to = canonical(*k);
        if (to == *k) continue;
        if (!store.rekey(*k, to)) return store.rollback(), storeTrouble();
        forget(personFor(*k));
        uint32_t who = personFor(to);
        if (!recompute(store, who, to, 0)) return store.rollback(), storeTrouble();
        people[who].fresh = true;
      }
    }
    if (!store.commit()) return store.rollback(), storeTrouble();
  }
  for (const std::string& path : files) {
    ++counts.inputs;
    if (!mergeBatch(store, path, &status)) return storeTrouble();
  }
  counts.people = live;
  if (!storeCandidates(store) || !store.finish()) return storeTrouble();
  if (status == kExitOk &&
      (counts.conflicts || counts.candidates || counts.duplicates || counts.absent))
    status = kExitFindings;
  return status;
}

// Verifies a batch against its FILE.vsig when a trust store is given. Valid: its good
// signers (as the trust store names them) and key ids go into the batch row. Otherwise the
// batch is refused with vetsign's findings, unless it is merely unsigned and signatures are
// not required.
bool MergeSession::Impl::checkSignature(const std::string& path, BatchInfo* info) {
  if (!options.trust) return true;
  bool zh = options.lang == Lang::Zh;
  auto refuse = [&](const char* code, const std::string& why) {
    report(Severity::Error, path, "", 0, code, {{"", why}}, {}, {}, true);
    return false;
  };
  if (path == "-")
    return options.require_signed
               ? refuse("unsigned-batch",
                        zh ? "标准输入无法核验签名，批次拒收（--require-signed）"
                           : "standard input cannot be checked against a signature; batch "
                             "refused (--require-signed)")
               : true;
  if (access((path + ".vsig").c_str(), F_OK) != 0 && errno == ENOENT)
    return options.require_signed
               ? refuse(
                     "unsigned-batch",
                     zh ? "批次未签名（缺少 " + path + ".vsig），拒收（--require-signed）"
                        : "batch is not signed (no " + path + ".vsig); refused (--require-signed)")
               : true;
  VerifyPolicy policy;
  VerifyResult r;
  if (verifyFile(path, "", options.trust, policy, &r) != VerifyStatus::Valid) {
    for (std::string_view problem : r.problems) {
      if (problem.starts_with(path + ": ")) problem.remove_prefix(path.size() + 2);
      report(Severity::Error, path, "", 0, "bad-signature", {{"", std::string(problem)}}, {}, {},
             true);
    }
    return refuse("bad-signature",
                  zh ? "签名核验未通过，批次拒收" : "signature check failed; batch refused");
  }
  info->signer.clear(), info->key_id.clear();
  for (const SignerResult& s : r.signers) {
    if (!s.signature_good) continue;
    if (!info->signer.empty()) info->signer += ", ", info->key_id += ",";
    info->signer += s.owner.empty() ? s.signer : s.owner;
    info->key_id += s.key_id;
  }
  return true;
}

int MergeSession::mergeToStore(Store& store, const std::vector<std::string>& files) {
  return impl_->mergeStore(store, files);
}

int MergeSession::exportStore(Store& store) {
  Impl& m = *impl_;
  LineOutput* o = m.out.records;
  std::string extra;
  bool ok = store.exportCurrent([&](std::string_view, std::string_view merged,
                                    std::string_view json, std::string_view unit, int64_t batch,
                                    std::string_view source, int64_t absent_from) {
    extra.clear();
    if (absent_from) extra = "\"_absent_from\":" + std::to_string(absent_from);
    std::string* buf = o->buffer();
    if (!merged.empty()) {
      buf->append(merged);
      if (!extra.empty()) buf->pop_back(), *buf += ',', buf->append(extra), *buf += '}';
      *buf += '\n';
    } else {
      m.writer.writeSingle(json, {source, "", unit, 0, batch}, extra, buf);
    }
    ++counts_.people;
    o->wrote();
    return !o->brokenPipe();
  });
  if (!ok) {
    m.report(Severity::Error, "", "", 0, "store", {{"reason", store.error()}});
    return kExitTrouble;
  }
  return kExitOk;
}

int MergeSession::historyOf(Store& store, const std::string& key) {
  Impl& m = *impl_;
  LineOutput* o = m.out.records;
  bool ok = store.history(
      identityKey(key), [&](const LiveVersion& v, int64_t retired_by, std::string_view merged_at) {
        std::string* buf = o->buffer();
        buf->append(v.json);
        buf->pop_back();
        buf->append(",\"_version\":{\"version\":" + std::to_string(v.version) +
                    ",\"batch\":" + std::to_string(v.batch) + ",\"file\":");
        JsonWriter::appendQuoted(buf, v.source);
        buf->append(",\"unit\":");
        JsonWriter::appendQuoted(buf, v.unit);
        buf->append(",\"merged_at\":");
        JsonWriter::appendQuoted(buf, merged_at);
        buf->append(",\"retired_by\":");
        buf->append(retired_by ? std::to_string(retired_by) : "null");
        buf->append("}}\n");
        ++counts_.records;
        o->wrote();
      });
  if (!ok) {
    m.report(Severity::Error, "", "", 0, "store", {{"reason", store.error()}});
    return kExitTrouble;
  }
  return kExitOk;
}

std::string MergeSession::summaryLine() const {
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
