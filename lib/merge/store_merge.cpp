#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <ctime>
#include <tuple>
#include <unordered_map>

#include <filesystem>
#include "core/exit_status.h"
#include "import/record_source.h"

#include "core/text_catalogue.h"
#include "merge/batch_snapshot.h"
#include "merge/sendback_replies.h"
#include "merge/session_impl.h"
#include "record/json_writer.h"
#include "record/value_equivalence.h"
#include "sign/digest.h"
#include "sign/verify.h"
#include "text/id_number.h"

namespace vetkit {

namespace {

// Records merged per look-up of their people in the store: a round trip to a server per
// chunk, a few hundred kilobytes of waiting records.
constexpr size_t kMergeChunk = 4096;

// A set of 64-bit values that answers "surely not in it" from one bit (a one-hash Bloom
// filter): in front of a hash table that the streamed pass asks for every row of the store,
// so that the many rows not in it are answered from a table small enough to stay in the
// processor's cache (16 bits a member), not from a miss far in memory each.
class BitFilter {
 public:
  explicit BitFilter(size_t members) {
    while (bits_ < members * 16 && shift_ > 38) bits_ <<= 1, --shift_;
    words_.assign(bits_ / 64, 0);
  }
  void add(uint64_t v) {
    uint64_t h = slot(v);
    words_[h >> 6] |= uint64_t(1) << (h & 63);
  }
  bool mayHave(uint64_t v) const {
    uint64_t h = slot(v);
    return words_[h >> 6] >> (h & 63) & 1;
  }

 private:
  uint64_t slot(uint64_t v) const { return (v * 0x9E3779B97F4A7C15ull) >> shift_; }
  size_t bits_ = size_t(1) << 16;  // 2^(64 - shift_), up to 2^26 (8 MiB)
  int shift_ = 48;
  std::vector<uint64_t> words_;
};

std::string utcNow() {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

}  // namespace

bool MergeSession::Impl::recompute(Store& store, uint32_t who, const std::string& key,
                                   int64_t absent_from) {
  LiveSet lives;
  if (!store.forEachLive(key, [&](const LiveVersion& v) { lives.add(v); })) return false;
  return recomputeFrom(store, who, key, absent_from, lives);
}

void MergeSession::Impl::LiveSet::add(const LiveVersion& v) {
  lines.emplace_back(v.json);
  units.emplace_back(v.unit);
  files.emplace_back(v.source);
  versions.push_back(v.version);
  batches.push_back(v.batch);
}

bool MergeSession::Impl::retireAndRecompute(Store& store, const std::vector<uint32_t>& who,
                                            const std::string& unit, int64_t bid,
                                            const std::function<void(uint32_t)>& before_each) {
  // In chunks: the live versions of a chunk's people are held while they are recomputed.
  constexpr size_t kChunk = 2048;
  std::vector<std::string> keys;
  std::unordered_map<std::string, LiveSet> lives;
  for (size_t from = 0; from < who.size(); from += kChunk) {
    size_t to = std::min(who.size(), from + kChunk);
    keys.clear();
    lives.clear();
    for (size_t i = from; i < to; ++i) keys.push_back(packer.unpack(people[who[i]].key));
    if (!store.retireOlderAll(keys, unit, bid) ||
        !store.forEachLiveOfKeys(
            keys, [&](std::string_view k, const LiveVersion& v) { lives[std::string(k)].add(v); }))
      return false;
    for (size_t i = from; i < to; ++i) {
      if (before_each) before_each(who[i]);
      const std::string& key = keys[i - from];
      if (!recomputeFrom(store, who[i], key, 0, lives[key])) return false;
    }
  }
  return true;
}

bool MergeSession::Impl::recomputeFrom(Store& store, uint32_t who, const std::string& key,
                                       int64_t absent_from, const LiveSet& lives) {
  const std::vector<std::string>& lines = lives.lines;
  const std::vector<std::string>& units = lives.units;
  const std::vector<std::string>& files = lives.files;
  const std::vector<int64_t>& versions = lives.versions;
  const std::vector<int64_t>& batches = lives.batches;
  if (lines.empty()) {
    forget(who);
    return store.deleteCurrent(key);
  }
  std::vector<Record> records(lines.size());
  std::vector<SourceTag> tags;
  std::string err;
  for (size_t i = 0; i < lines.size(); ++i) {
    reader.parse(lines[i], &records[i], &err);
    layouts.apply(batches[i], &records[i]);
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

void MergeSession::Impl::remember(uint32_t who, const CurrentBrief& b) {
  Person& p = people[who];
  p.live = true;
  p.version = b.version;
  p.sources = uint32_t(b.sources);
  p.absent_from = b.absent_from;
  if (unit_sets.empty() || unit_sets[last_units] != b.units) last_units = unitSet(b.units);
  p.units = last_units;
  p.upgraded = !b.id15.empty();
  p.suspect = suspectIdNumber(b.key, b.id15);
  p.name_birth = nameBirthBlock(b.name, b.birth_date);
}

void MergeSession::Impl::forget(uint32_t who) {
  people[who].live = false;
}

bool MergeSession::Impl::mergeBatch(Store& store, const std::string& path, int* status) {
  std::string err;
  BatchInfo info;
  info.source = path;
  info.merged_at = options.now.empty() ? utcNow() : options.now;
  info.signer = options.signer;
  info.key_id = options.key_id;
  info.signer_status = options.signer.empty() && options.key_id.empty() ? "none" : "declared";
  Digester stdin_sha(DigestAlgorithm::Sha256);
  bool from_stdin = path == "-";
  // The file is read once into a private copy, hashed on the way; the seal is verified and the
  // records read against that copy only (batch_snapshot.h).
  BatchSnapshot snapshot;
  if (!from_stdin && !snapshot.take(path, &err)) {
    report(Severity::Error, path, "", 0, "unreadable", {{"reason", err}});
    ++counts.failed;
    *status = kExitTrouble;
    return true;
  }
  info.sha256 = snapshot.sha256();
  if (!checkSignature(path, snapshot, &info)) {
    ++counts.failed;
    ++counts.refused;
    if (*status == kExitOk) *status = kExitFindings;
    return true;
  }
  if (options.after_verify) options.after_verify(path);
  const std::string& read_path = from_stdin ? path : snapshot.path();
  // A signed batch may carry only records its signer may vouch for; the first that it may not
  // refuses the whole batch (the records before it are rolled back).
  long unvouched_row = -1;
  std::string unvouched_unit;
  // A county's returned send-back package (--replies): the county's batch, whatever units
  // its records name (sendback_replies.h); its signer must vouch for the county.
  std::string reply_county = options.replies ? repliesCounty(options.unit, path) : "";
  const std::string& declared = options.replies ? reply_county : options.unit;
  if (vouch_check && !declared.empty() && !vouched(declared))
    unvouched_row = 0, unvouched_unit = declared;
  if (unvouched_row < 0) {
    // The state this batch is merged against is read inside its write transaction: a merge
    // that committed meanwhile (another vetmerge on the same store) is seen, not overwritten.
    if (!store.begin() || !reloadIfChanged(store)) return store.rollback(), false;
    // The same bytes merged before (a replay, or a re-run over a folder): skipped, so that an
    // old batch cannot come back over its corrections. Asked inside the transaction, so two
    // runs given the same file merge it once. (Standard input is hashed as it is read.)
    int64_t first = 0;
    std::string first_source;
    unit_latest.clear();
    if (!store.forEachBatch([&](int64_t id, const BatchInfo& b) {
          unit_latest.add(id, b);
          if (!first && !from_stdin && b.sha256 == info.sha256) first = id, first_source = b.source;
        }))
      return store.rollback(), false;
    if (first) {
      store.rollback();
      ++counts.replayed;
      if (*status == kExitOk) *status = kExitFindings;
      report(Severity::Warning, path, "", 0, "batch-replayed",
             {{"batch", std::to_string(first)}, {"source", first_source}});
      return true;
    }
  }
  int64_t bid = 0;
  bool failed_store = false;
  // People already current are changed in memory as the batch goes; a failed batch is rolled
  // back in the store, so their rows are read back from it (restore()).
  std::vector<std::pair<uint32_t, Person>> before;
  std::vector<uint32_t> redo;  // people to recompute from their live versions, once each
  uint32_t arrivals = 0;
  size_t records = 0;
  CurrentRow row;
  repeats.clear();
  RecordSourceEvents events;
  collection.clear();
  // Records wait in `queue` until a chunk of them is read: the people their keys name are
  // then read from the store in one call (loadKeys) and the chunk merged in order. Messages
  // raised while a record waits wait with it, so that they come out in the order they did.
  struct Admitted {
    std::string line, raw_key, key;
    PersonRef ref;                                      // name, dates, provenance (setPerson)
    std::shared_ptr<const ColumnMap> columns, headers;  // set when the line holds `_columns`
  };
  std::vector<Admitted> queue;
  size_t queued = 0;  // queue[0, queued) are waiting; the rest are kept for their buffers
  std::vector<std::pair<size_t, Diagnostic>> held;  // (records before it, message)
  std::vector<std::string> unknown;
  auto admit = [&](Admitted& a) {
    uint32_t who = personFor(a.key);
    Person* p = &people[who];
    bool repeat = p->seen == bid;
    if (repeat && !admitRepeat(a.ref.src, a.ref.sheet, a.ref.row, a.raw_key, p->first_row))
      return true;
    int64_t version;
    if (!store.addVersion(a.key, bid, info.unit, a.line, &version) ||
        (a.columns && !layouts.keep(store, bid, a.line, a.columns, a.headers)))
      return false;
    ++records;
    if (repeat) {
      if (!p->pending) p->pending = true, redo.push_back(who);
      return true;
    }
    before.emplace_back(who, *p);
    p->seen = bid, p->first_row = int32_t(a.ref.row), p->arrival = arrivals++, p->fresh = true;
    if (p->live && !(p->sources == 1 && unit_sets[p->units] == info.unit)) {
      p->pending = true, redo.push_back(who);
      return true;
    }
    // The common case: a new person, or this unit's earlier version of them replaced.
    if (p->live) {
      if (!store.retireVersion(p->version, bid)) return false;
      ++counts.retired;
    }
    row.person = std::move(a.ref);
    row.person.key = a.key;
    row.person.unit = info.unit;
    row.version = version;
    if (!store.putCurrent(row, {})) return false;
    remember(who, row);
    return true;
  };
  // Merges the waiting records (`merge` false: only lets their messages out).
  auto drain = [&](bool merge) {
    bool ok = true;
    if (merge && queued) {
      unknown.clear();
      for (size_t i = 0; i < queued; ++i) unknown.push_back(queue[i].key);
      ok = loadKeys(store, unknown);
    }
    size_t h = 0;
    for (size_t i = 0; i < queued; ++i) {
      for (; h < held.size() && held[h].first <= i; ++h) out.diagnostic(held[h].second);
      if (merge && ok && !admit(queue[i])) ok = false;
    }
    for (; h < held.size(); ++h) out.diagnostic(held[h].second);
    held.clear();
    queued = 0;
    if (!ok) failed_store = true;
    return ok;
  };
  // Messages and provenance name the file as given, not its private copy.
  if (out.diagnostic)
    events.diagnostic = [&](const Diagnostic& d) {
      Diagnostic named = d;
      named.file = snapshot.original(d.file);
      named.message = snapshot.original(d.message);
      if (queued)
        held.emplace_back(queued, std::move(named));
      else
        out.diagnostic(named);
    };
  RepliesRead replies;
  bool no_unit = options.replies && reply_county.empty();
  events.record = [&](Record& r) {
    if (unvouched_row >= 0) return false;
    if (!from_stdin && r.src == read_path) r.src = path;
    collection.see(r);
    if (bid == 0) {
      UnitAttribution unit = batchUnit(r, path);
      info.unit = std::move(unit.unit);
      info.unit_source = unitSourceName(unit.source);
      if (options.replies) info.unit = reply_county, info.unit_source = "replies";
      if (info.unit.empty() && !options.allow_no_unit) return no_unit = true, false;
      if (!store.addBatch(info, &bid)) return failed_store = true, false;
    }
    if (vouch_check) {
      const std::string& unit =
          !options.replies && unit_field != size_t(-1) && r.fields[unit_field].present()
              ? r.fields[unit_field].text
              : info.unit;
      // The records before it are merged (and then undone), as their messages say.
      if (!vouched(unit)) return drain(true), unvouched_row = r.row, unvouched_unit = unit, false;
    }
    if (from_stdin) stdin_sha.update(r.line), stdin_sha.update("\n");
    ensureProvenance(r);
    if (queued == queue.size()) queue.emplace_back();
    Admitted& a = queue[queued++];
    a.raw_key = recordKey(r, options.key);
    a.key =
        a.raw_key.empty() ? "?" + r.src + ":" + r.sheet + ":" + std::to_string(r.row) : a.raw_key;
    if (!alias.empty()) a.key = canonical(a.key);
    a.line.assign(r.line);
    setPerson(schema, r, &a.ref);
    // The sheet's layout, when this record carries it: kept with the record's version.
    if (r.has_columns_key && r.columns)
      a.columns = r.columns, a.headers = r.headers;
    else
      a.columns.reset(), a.headers.reset();
    return queued < kMergeChunk || drain(true);
  };
  auto undo = [&]() {
    store.rollback();
    for (auto it = before.rbegin(); it != before.rend(); ++it) {
      Person& p = people[it->first];
      p = it->second;
      p.pending = false;
    }
  };
  bool readable = unvouched_row == 0 || no_unit ||
                  (options.replies ? readReplies(schema, store, read_path, path, reply_county,
                                                 events, &replies, &err)
                                   : readRecords(schema, read_path, options.import, events, &err));
  // The last chunk: merged when the batch was read to its end, else only its messages.
  drain(readable && !failed_store && unvouched_row < 0 && !no_unit);
  err = snapshot.original(err);
  // Answers without a revised value are a batch all the same: it carries the replies.
  if (options.replies && readable && bid == 0 && !no_unit && !failed_store && unvouched_row < 0 &&
      !replies.replies.empty()) {
    info.unit = reply_county, info.unit_source = "replies";
    failed_store = !store.addBatch(info, &bid);
  }
  for (const ReplyRefusal& r : replies.refused) {
    if (*status == kExitOk) *status = kExitFindings;
    report(Severity::Error, path, r.sheet, r.row, r.code, r.args);
  }
  if (failed_store) return undo(), false;
  if (unvouched_row >= 0) {
    if (unvouched_row > 0) undo();
    ++counts.failed;
    ++counts.refused;
    if (*status == kExitOk) *status = kExitFindings;
    const Field* f = schema.field("unit");
    const CodeTable* units = schema.table("units");
    const CodeEntry* e = units ? units->find(unvouched_unit) : nullptr;
    std::string shown = unvouched_unit.empty()
                            ? std::string(options.lang == Lang::Zh ? "（空）" : "(none)")
                        : e && e->label != unvouched_unit ? e->label + "（" + unvouched_unit + "）"
                                                          : unvouched_unit;
    report(Severity::Error, path, "", unvouched_row, "unit-not-vouched",
           {{"unit", shown}, {"signers", vouchersText()}}, f ? f->id : std::string());
    return true;
  }
  if (no_unit) {
    undo();
    ++counts.failed;
    ++counts.no_unit;
    if (*status == kExitOk) *status = kExitFindings;
    report(Severity::Error, path, "", 0, "batch-no-unit", {}, "unit");
    return true;
  }
  // A package whose every answered row was refused (each said above) is no empty file.
  if (readable && bid == 0 && options.replies && !replies.refused.empty()) {
    ++counts.failed;
    return true;
  }
  if (!readable || bid == 0) {
    undo();
    ++counts.failed;
    *status = kExitTrouble;
    report(Severity::Error, path, "", 0, readable ? "empty" : "unreadable", {{"reason", err}}, {},
           {}, !readable);
    return true;
  }
  if (from_stdin && !stdin_sha.finish(&info.sha256, &err)) {
    undo();
    ++counts.failed;
    *status = kExitTrouble;
    report(Severity::Error, path, "", 0, "unreadable", {{"reason", err}});
    return true;
  }
  // A batch older than its unit's newest: it would put back what a correction changed. (A
  // package of replies revises the current records: never older.)
  if (info.signed_at.empty()) info.signed_at = collection.latest();
  if (const UnitLatest::Entry* newer = unit_latest.newerThan(info.unit, info.signed_at);
      newer && !options.allow_older && !options.replies) {
    undo();
    ++counts.failed;
    ++counts.older;
    if (*status == kExitOk) *status = kExitFindings;
    report(Severity::Error, path, "", 0, "batch-older",
           {{"time", info.signed_at},
            {"batch", std::to_string(newer->id)},
            {"source", newer->source},
            {"latest", newer->time}});
    return true;
  }
  counts.records += records;
  const std::string& unit = info.unit;
  // In the order the batch brought them, as the conflict report should list them.
  std::sort(redo.begin(), redo.end(),
            [&](uint32_t a, uint32_t b) { return people[a].arrival < people[b].arrival; });
  for (uint32_t who : redo) people[who].pending = false;
  if (!retireAndRecompute(store, redo, unit, bid, {})) return undo(), false;
  // People this unit sent before who are missing from its new batch: those with a live
  // version of the unit from another batch (this batch's versions are in, and the ones they
  // replace retired). Read from the store, not from people held in memory; in key order.
  std::vector<uint32_t> absent;
  if (!options.replies) {  // replies: nobody absent
    std::vector<std::string> left_out;
    if (!store.forEachLiveOfUnit(unit, bid,
                                 [&](std::string_view k) { left_out.emplace_back(k); }) ||
        !loadKeys(store, left_out))
      return undo(), false;
    std::sort(left_out.begin(), left_out.end());
    left_out.erase(std::unique(left_out.begin(), left_out.end()), left_out.end());
    uint64_t packed;
    for (const std::string& k : left_out)
      if (const uint32_t* who = packer.find(k, &packed) ? index.find(packed) : nullptr;
          who && people[*who].live && people[*who].seen != bid)
        absent.push_back(*who);
  }
  if (!absent.empty() && !correctIdentities(store, bid, unit, &absent, &before))
    return undo(), false;
  if (options.retire_absent) {
    if (!retireAndRecompute(store, absent, unit, bid,
                            [&](uint32_t who) { before.emplace_back(who, people[who]); }))
      return undo(), false;
    for (uint32_t who : absent) people[who].fresh = true;
    counts.retired += absent.size();
  } else {
    std::vector<std::string> marked;  // one statement for them all
    for (uint32_t who : absent) {
      Person& p = people[who];
      ++counts.absent;
      if (p.absent_from != bid) marked.push_back(packer.unpack(p.key));
      before.emplace_back(who, p);
      p.absent_from = bid;
    }
    if (!marked.empty() && !store.markAbsentAll(marked, bid)) return undo(), false;
  }
  if (!absent.empty())
    report(Severity::Warning, path, "", 0, options.retire_absent ? "absent-retired" : "absent-kept",
           {{"count", std::to_string(absent.size())}, {"unit", unit}});
  for (SendbackReply& r : replies.replies)
    if (r.batch = bid; !store.sendbackLog() || !store.sendbackLog()->addReply(r))
      return undo(), false;
  // The batch row was written before its size (and, from stdin, its digest) was known.
  if (!store.setBatchRecords(bid, int64_t(records), info.sha256, info.signed_at) || !store.commit())
    return undo(), false;
  return true;
}

// Candidate detection over a store's people without holding them: this run's fresh people are
// in memory; the store's others are read in one streamed pass, keeping only those who share a
// block of name and birth month with a fresh person, or whose number is one mistake from a
// fresh person's (a suspect number either side). Those are read back from the store and judged.
bool MergeSession::Impl::storeCandidates(Store& store) {
  std::vector<char> involved(people.size());  // 1: by name and birth, 2: by number
  KeyIndex fresh_index;
  std::unordered_map<uint64_t, uint32_t> blocks;  // name_birth -> members (fresh, then others)
  size_t fresh_count = 0;
  for (const Person& p : people) fresh_count += p.live && p.fresh;
  BitFilter fresh_keys(fresh_count),
      fresh_blocks(fresh_count);  // in front of fresh_index and blocks
  for (uint32_t i = 0; i < people.size(); ++i) {
    const Person& p = people[i];
    if (!p.live || !p.fresh) continue;
    bool created;
    fresh_index.insert(p.key, &created) = i;
    fresh_keys.add(p.key);
    if (p.name_birth) ++blocks[p.name_birth], fresh_blocks.add(p.name_birth);
  }
  auto freshOne = [&](uint64_t packed) {
    return fresh_keys.mayHave(packed) ? fresh_index.find(packed) : nullptr;
  };
  std::unordered_map<std::string, char> others;  // the store's people in a pair: key -> kind
  PersonRef typed;
  // A suspect's variants among the fresh people (`i`: who the suspect is, when fresh).
  auto probeFresh = [&](const std::string& key, bool upgraded, uint32_t i, char* mark) {
    typed.key = key;
    typed.id15 = upgraded ? key.substr(0, 6) + key.substr(8, 9) : std::string();
    forEachIdVariant(typed, [&](const std::string& v, bool) {
      uint64_t packed;
      if (!KeyPacker::packId(v, &packed)) return;
      const uint32_t* j = freshOne(packed);
      if (!j || *j == i) return;
      involved[*j] = 2, *mark = 2;  // a pair by number: the phone is evidence
    });
  };
  for (uint32_t i = 0; i < people.size(); ++i)
    if (people[i].live && people[i].fresh && people[i].suspect)
      probeFresh(packer.unpack(people[i].key), people[i].upgraded, i, &involved[i]);
  std::unordered_set<uint64_t> shared;  // blocks with one of the others in them
  // A store this run is building holds the run's people only, all fresh and held: there are
  // no others to meet, and the people are counted in memory.
  if (store.privateToThisRun()) {
    counts.people =
        size_t(std::count_if(people.begin(), people.end(), [](const Person& p) { return p.live; }));
  } else {
    // A fresh suspect's variants among the store's others: looked up, some thousands a call.
    std::vector<std::pair<std::string, uint32_t>> variants;
    auto lookUp = [&]() {
      std::sort(variants.begin(), variants.end());
      std::vector<std::string> keys;
      for (auto& [k, who] : variants)
        if (keys.empty() || keys.back() != k) keys.push_back(k);
      bool ok = store.currentRows(keys, [&](const CurrentBrief& b) {
        uint64_t packed;
        if (KeyPacker::packId(b.key, &packed) && freshOne(packed)) return;
        others[std::string(b.key)] = 2;
        for (auto it = std::lower_bound(variants.begin(), variants.end(),
                                        std::pair<std::string, uint32_t>(std::string(b.key), 0));
             it != variants.end() && it->first == b.key; ++it)
          involved[it->second] = 2;
      });
      variants.clear();
      return ok;
    };
    // Up to near_max of them (16 bytes each) are met in the streamed pass below, which reads
    // every row anyway; beyond, they are looked up by key, 65,536 a call. A store that finds
    // its rows by index (findsNear) is asked for every variant by key.
    const size_t near_max = store.findsNear() ? 0 : size_t(4) << 20;
    std::vector<std::pair<uint64_t, uint32_t>> near;  // (packed variant, the fresh suspect)
    for (uint32_t i = 0; i < people.size(); ++i) {
      const Person& p = people[i];
      if (!p.live || !p.fresh || !p.suspect) continue;
      typed.key = packer.unpack(p.key);
      typed.id15 = p.upgraded ? typed.key.substr(0, 6) + typed.key.substr(8, 9) : std::string();
      forEachIdVariant(typed, [&](const std::string& v, bool) {
        uint64_t packed;
        if (!KeyPacker::packId(v, &packed)) return;
        if (near.size() < near_max)
          near.emplace_back(packed, i);
        else
          variants.emplace_back(v, i);
      });
      if (variants.size() >= 65536 && !lookUp()) return false;
    }
    if (!variants.empty() && !lookUp()) return false;
    std::sort(near.begin(), near.end());
    // The one pass over the store (or over the rows it finds by index: those in a fresh
    // person's block, and the suspect numbers): nothing but memory is touched while it
    // streams. A pass over every row of `current` counts the people too (a count of its own
    // read the whole table once more: half a second at 1M people); one by index cannot.
    std::vector<std::string> fresh_list;
    if (store.findsNear())
      for (const Person& p : people)
        if (p.live && p.fresh) fresh_list.push_back(packer.unpack(p.key));
    std::string key;
    size_t streamed = 0;
    if (!store.forEachCurrentNear(fresh_list, [&](const CurrentBrief& b) {
          ++streamed;
          uint64_t packed;
          bool known = packer.find(b.key, &packed);
          if (known && freshOne(packed)) return;
          char mark = 0;
          if (known && !near.empty() && KeyPacker::packId(b.key, &packed))
            for (auto it =
                     std::lower_bound(near.begin(), near.end(), std::pair(packed, uint32_t(0)));
                 it != near.end() && it->first == packed; ++it)
              involved[it->second] = 2, mark = 2;
          if (!blocks.empty())
            if (uint64_t nb = nameBirthBlock(b.name, b.birth_date);
                nb && fresh_blocks.mayHave(nb) && blocks.count(nb))
              mark = 1, shared.insert(nb);
          bool upgraded = !b.id15.empty();
          if (suspectIdNumber(b.key, b.id15)) {
            key.assign(b.key);
            probeFresh(key, upgraded, uint32_t(-1), &mark);
          }
          if (mark) {
            char& m = others[std::string(b.key)];
            m = std::max(m, mark);
          }
        }))
      return false;
    int64_t n = int64_t(streamed);
    if (store.findsNear() && !store.countCurrent(&n)) return false;
    counts.people = size_t(n);
  }
  for (uint32_t i = 0; i < people.size(); ++i) {
    const Person& p = people[i];
    if (p.live && p.fresh && p.name_birth && !involved[i] &&
        (blocks[p.name_birth] > 1 || shared.count(p.name_birth)))
      involved[i] = 1;
  }
  std::vector<PersonRef> refs;
  std::vector<std::pair<const PersonRef*, bool>> chosen;
  std::vector<char> fresh;
  std::vector<bool> by_number;  // then: whose phone to read
  refs.reserve(size_t(std::count(involved.begin(), involved.end(), 1)) + others.size());
  // Read back in one call (some thousands of keys a statement on a server), then taken in
  // the order asked: the run's people, then the store's others.
  std::vector<std::tuple<std::string, bool, char>> asked;
  for (uint32_t i = 0; i < people.size(); ++i)
    if (involved[i]) asked.emplace_back(packer.unpack(people[i].key), true, involved[i]);
  for (const auto& [k, kind] : others) asked.emplace_back(k, false, kind);
  {
    std::unordered_map<std::string, PersonRef> read;
    std::vector<std::string> keys;
    for (const auto& a : asked) keys.push_back(std::get<0>(a));
    if (!store.currentRowsFull(keys, [&](CurrentRow&& r) {
          std::string k = r.person.key;
          read.emplace(std::move(k), std::move(r.person));
        }))
      return false;
    for (auto& [k, is_fresh, kind] : asked) {
      auto it = read.find(k);
      if (it == read.end()) continue;
      refs.push_back(std::move(it->second));
      fresh.push_back(is_fresh);
      by_number.push_back(kind == 2);
    }
  }
  // The phone is read back only for people who are in a pair: those paired by number, and
  // those whose block holds another of the same name and a birth date that agrees.
  std::vector<size_t> blocked(refs.size());
  for (size_t i = 0; i < refs.size(); ++i) blocked[i] = i;
  auto block = [&](size_t i) { return nameBirthBlock(refs[i].name, refs[i].birth_date); };
  std::sort(blocked.begin(), blocked.end(),
            [&](size_t a, size_t b) { return block(a) < block(b); });
  for (size_t i = 0; i < blocked.size();) {
    size_t j = i + 1;
    while (j < blocked.size() && block(blocked[j]) == block(blocked[i])) ++j;
    for (size_t x = i; x < j; ++x)
      for (size_t y = x + 1; y < j; ++y) {
        const PersonRef &a = refs[blocked[x]], &b = refs[blocked[y]];
        if (a.name == b.name && sameDate(a.birth_date, b.birth_date))
          by_number[blocked[x]] = by_number[blocked[y]] = true;
      }
    i = j;
  }
  if (!phonesOf(store, refs, by_number)) return false;
  // In key order, so that the report does not depend on the order people were loaded in.
  std::vector<size_t> order(refs.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(),
            [&](size_t a, size_t b) { return refs[a].key < refs[b].key; });
  for (size_t i : order) chosen.emplace_back(&refs[i], fresh[i] != 0);
  findCandidates(chosen);
  return true;
}

bool MergeSession::Impl::loadAliases(Store& store) {
  // Earlier decisions first, then this run's (which are saved).
  std::vector<std::array<std::string, 3>> earlier;
  if (!store.forEachDecision([&](std::string_view a, std::string_view b, std::string_view d) {
        earlier.push_back({std::string(a), std::string(b), std::string(d)});
      }))
    return false;
  alias.clear();
  different.clear();
  for (auto& d : earlier) addDecision(d[0], d[1], d[2]);
  for (auto& d : decisions) addDecision(d[0], d[1], d[2]);
  return true;
}

bool MergeSession::Impl::reloadIfChanged(Store& store) {
  bool changed = false;
  if (!store.changedElsewhere(&changed)) return false;
  return !changed || (loadAliases(store) && loadPeople(store));
}

// The phone is evidence for a pair but no column of `current`: read from the person's latest
// live version, for the few people candidate detection reads back (those of `refs` that
// `wanted` marks), all in one call.
bool MergeSession::Impl::phonesOf(Store& store, std::vector<PersonRef>& refs,
                                  const std::vector<bool>& wanted) {
  const Field* f = schema.field("phone");
  if (!f) return true;
  std::vector<std::string> keys;
  for (size_t i = 0; i < refs.size(); ++i)
    if (wanted[i]) keys.push_back(refs[i].key);
  if (keys.empty()) return true;
  std::unordered_map<std::string, std::string> latest;  // key -> its latest live line
  if (!store.forEachLiveOfKeys(keys, [&](std::string_view k, const LiveVersion& v) {
        latest[std::string(k)].assign(v.json);
      }))
    return false;
  Record r;
  std::string err;
  for (size_t i = 0; i < refs.size(); ++i) {
    if (!wanted[i]) continue;
    auto it = latest.find(refs[i].key);
    if (it != latest.end() && reader.parse(it->second, &r, &err) &&
        r.fields[f->index].kind == FieldValue::Kind::String)
      refs[i].phone = r.fields[f->index].text;
  }
  return true;
}

bool MergeSession::Impl::loadPeople(Store& store) {
  std::vector<std::string> fresh;  // who this run brought stays fresh for candidate detection
  for (const Person& p : people)
    if (p.fresh) fresh.push_back(packer.unpack(p.key));
  people.clear();
  index = KeyIndex();
  if (!loadKeys(store, fresh) || !layouts.load(store)) return false;
  uint64_t packed;
  for (const std::string& k : fresh)
    if (const uint32_t* who = packer.find(k, &packed) ? index.find(packed) : nullptr)
      people[*who].fresh = true;
  return true;
}

bool MergeSession::Impl::loadKeys(Store& store, const std::vector<std::string>& asked) {
  uint64_t packed;
  std::vector<std::string> keys;
  for (const std::string& k : asked)
    if (!packer.find(k, &packed) || !index.find(packed)) keys.push_back(k);
  if (keys.empty()) return true;
  // A store this run is building holds no one the run has not met: nothing to ask.
  if (!store.privateToThisRun() && !store.currentRows(keys, [&](const CurrentBrief& b) {
        uint32_t who = personFor(b.key);
        people[who].live = true;
        remember(who, b);
      }))
    return false;
  // The others are new to the store: held as such, so that they are not asked for again.
  for (const std::string& k : keys) personFor(k);
  return true;
}

int MergeSession::Impl::mergeStore(Store& store, const std::vector<std::string>& files) {
  int status = kExitOk;
  auto storeTrouble = [&]() {
    report(Severity::Error, "", "", 0, "store", {{"reason", store.error()}});
    return int(kExitTrouble);
  };
  bool changed;
  // The version is taken before the read: a commit between the two makes a batch re-read.
  if (!store.changedElsewhere(&changed) || !loadAliases(store) || !loadPeople(store))
    return storeTrouble();
  if (!decisions.empty()) {
    std::vector<std::string> named;  // the people the decisions join or split
    for (auto& d : decisions)
      for (const std::string* k : {&d[0], &d[1]})
        named.push_back(*k), named.push_back(canonical(*k));
    if (!store.begin() || !reloadIfChanged(store) || !loadKeys(store, named))
      return store.rollback(), storeTrouble();
    for (auto& d : decisions) {
      if (d[2] == "different") {
        if (!decideDifferent(store, d[0], d[1])) return store.rollback(), storeTrouble();
        continue;
      }
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
  // Oldest first: a folder's glob puts "…(更正).xlsx" before "….xlsx" (batch_order.h).
  for (const std::string& path : inTimeOrder(files)) {
    ++counts.inputs;
    if (!mergeBatch(store, path, &status)) return storeTrouble();
    counts.held = std::max(counts.held, people.size());
  }
  counts.held = std::max(counts.held, people.size());
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
bool MergeSession::Impl::checkSignature(const std::string& path, const BatchSnapshot& snapshot,
                                        BatchInfo* info) {
  if (!options.trust) return true;
  auto refuse = [&](const char* code, const std::string& why) {
    report(Severity::Error, path, "", 0, code, {{"", why}}, {}, {}, true);
    return false;
  };
  if (path == "-")
    return options.require_signed
               ? refuse("unsigned-batch",
                        tr("standard input cannot be checked against a signature; batch refused "
                           "(--require-signed)"))
               : true;
  if (access((path + ".vsig").c_str(), F_OK) != 0 && errno == ENOENT)
    return options.require_signed
               ? refuse("unsigned-batch",
                        tr("batch is not signed (no {file}); refused (--require-signed)",
                           {{"file", path + ".vsig"}}))
               : true;
  vouch_check = false;
  vouchers.clear();
  vouched_unit.clear();
  VerifyPolicy policy;
  // Covered batches, if any, are beside the batch, not beside its private copy.
  policy.inputs_dir = std::filesystem::path(path).parent_path().string();
  if (policy.inputs_dir.empty()) policy.inputs_dir = ".";
  VerifyResult r;
  if (verifyFile(snapshot.path(), path + ".vsig", options.trust, policy, &r) !=
      VerifyStatus::Valid) {
    for (std::string& p : r.problems) p = snapshot.original(p);
    for (std::string_view problem : r.problems) {
      if (problem.starts_with(path + ": ")) problem.remove_prefix(path.size() + 2);
      report(Severity::Error, path, "", 0, "bad-signature", {{"", std::string(problem)}}, {}, {},
             true);
    }
    return refuse("bad-signature", tr("signature check failed; batch refused"));
  }
  info->signer.clear(), info->key_id.clear();
  info->signer_status = "verified";
  info->signed_at = sealTime(r.signers);
  vouch_check = true;
  for (const SignerResult& s : r.signers)
    if (s.status == VerifyStatus::Valid) vouchers.push_back(s);
  for (const SignerResult& s : r.signers) {
    if (!s.signature_good) continue;
    if (!info->signer.empty()) info->signer += ", ", info->key_id += ",";
    info->signer += s.owner.empty() ? s.signer : s.owner;
    info->key_id += s.key_id;
  }
  return true;
}

bool MergeSession::Impl::vouched(const std::string& unit) {
  if (!unit.empty() && unit == vouched_unit) return true;
  std::string division = unit;
  const CodeTable* units = schema.table("units");
  if (const CodeEntry* e = units ? units->find(unit) : nullptr) {
    if (e->local && !e->division.empty())
      division = e->division;
    else if (!e->local)
      division = e->code;
  }
  // A county-level division (not ending in 00) is a county batch: only a county key vouches.
  bool county = division.size() == 6 && !division.ends_with("00");
  for (const SignerResult& s : vouchers) {
    if (county && s.owner_role != "county") continue;
    if (mayVouchFor(s, division)) return vouched_unit = unit, true;
  }
  return false;
}

std::string MergeSession::Impl::vouchersText() const {
  std::string text;
  for (const SignerResult& s : vouchers) {
    if (!text.empty()) text += options.lang == Lang::Zh ? "、" : ", ";
    text += (s.owner.empty() ? s.signer : s.owner) + (options.lang == Lang::Zh ? "（" : " (") +
            s.owner_role + (options.lang == Lang::Zh ? "，" : ", ") + s.owner_unit +
            (options.lang == Lang::Zh ? "）" : ")");
  }
  return text;
}

int MergeSession::mergeToStore(Store& store, const std::vector<std::string>& files) {
  return impl_->mergeStore(store, files);
}

int MergeSession::exportStore(Store& store) {
  Impl& m = *impl_;
  LineOutput* o = m.out.records;
  std::string extra;
  // The set's manifest hears each line as written (set_manifest.h).
  std::unique_ptr<SetManifestWriter> manifest;
  if (!m.manifest.empty()) manifest = std::make_unique<SetManifestWriter>();
  bool ok = store.exportCurrent([&](const CurrentRecord& c) {
    extra.clear();
    if (c.absent_from) extra = "\"_absent_from\":" + std::to_string(c.absent_from);
    std::string* buf = o->buffer();
    size_t start = buf->size();
    if (!c.merged.empty()) {
      buf->append(c.merged);
      if (!extra.empty()) buf->pop_back(), *buf += ',', buf->append(extra), *buf += '}';
      *buf += '\n';
    } else {
      m.writer.writeSingle(c.json, {c.source, "", c.unit, 0, c.batch}, extra, buf);
    }
    if (manifest) manifest->add(std::string_view(*buf).substr(start));
    ++counts_.people;
    o->wrote();
    return !o->brokenPipe();
  });
  std::string err;
  if (ok && manifest && !manifest->write(store, m.set_name, m.manifest, &err)) {
    m.report(Severity::Error, m.manifest, "", 0, "unreadable", {{"reason", err}});
    return kExitTrouble;
  }
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

}  // namespace vetkit
