// The merge session's state, shared by its three parts: session.cpp (decisions, survivorship
// of one person, candidates), stream_merge.cpp (files into one stream) and store_merge.cpp
// (batches into the store). Internal to lib/merge.
#pragma once

#include <array>
#include <functional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "merge/batch_order.h"
#include "merge/batch_snapshot.h"
#include "merge/candidates.h"
#include "merge/output.h"
#include "merge/people.h"
#include "merge/session.h"
#include "merge/set_manifest.h"
#include "merge/unit_attribution.h"
#include "record/json_writer.h"
#include "record/key_repeats.h"
#include "record/mask.h"
#include "record/record_reader.h"
#include "sign/verify.h"
#include "store/sheet_layouts.h"
#include "store/store.h"
#include "text/id_number.h"

namespace vetkit {

/// The person fields of `r` (name, birth date, gender, 15-digit number, provenance) into `p`.
void setPerson(const Schema& schema, const Record& r, PersonRef* p);

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
  std::string decisions_file;                          // where `decisions` were read
  std::string conflict_buf;
  std::string manifest, set_name;  // --export --manifest: where, and the set's name
  bool checked = false;            // checkSet() ran: the summary is its counts
  SetCheckCounts set_counts;

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
  // Every identity-typed part of a key is masked (a mistyped 17-digit number too), whatever
  // --key names; a record without a key is named by where it is, which holds no number.
  std::string shownKey(const std::string& key) const {
    if (key.starts_with('?')) return key;
    std::vector<const Field*> fields;
    if (!options.key.identity)
      for (size_t f : options.key.fields) fields.push_back(&schema.fields()[f]);
    return displayKey(key, fields, options.mask, '|', '|');
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
      // A "same" said before (an identity correction, people's decision) no longer holds.
      for (auto [x, y] : {std::pair(&a, &b), std::pair(&b, &a)})
        if (auto it = alias.find(*x); it != alias.end() && it->second == *y) alias.erase(it);
      return;
    }
    // The number that passes its check survives; else the first named.
    bool a_ok = looksLikeId18(a) && checkIdNumber(a) == IdStatus::Ok;
    bool b_ok = looksLikeId18(b) && checkIdNumber(b) == IdStatus::Ok;
    if (b_ok && !a_ok) std::swap(a, b);
    if (canonical(a) != b) alias[b] = a;
  }

  // Repeats of one key within the batch being read: a row filled down a sheet repeats one
  // person a million times, and every repeat held would be compared with all the others. Only
  // repeats are counted (the first version of a key costs nothing here), so the table grows
  // with the keys a batch repeats, not with the batch.
  KeyRepeats repeats{kMaxKeyRepeats - 1};

  /// Called for a record whose key this batch already brought (first seen at `first_row`):
  /// reports it, and tells whether to hold it (false: past the bound, counted only).
  bool admitRepeat(const Record& r, const std::string& raw_key, long first_row) {
    return admitRepeat(r.src, r.sheet, r.row, raw_key, first_row);
  }
  bool admitRepeat(const std::string& src, const std::string& sheet, long row,
                   const std::string& raw_key, long first_row) {
    ++counts.duplicates;
    switch (repeats.add(raw_key)) {
      case KeyRepeats::Verdict::Keep:
        report(Severity::Error, src, sheet, row, "duplicate-key",
               {{"first", std::to_string(first_row)}}, {}, shownKey(raw_key));
        return true;
      case KeyRepeats::Verdict::Report:
        report(Severity::Error, src, sheet, row, "repeated-key",
               {{"limit", std::to_string(kMaxKeyRepeats)}}, {}, shownKey(raw_key));
        return false;
      case KeyRepeats::Verdict::Count:
        return false;
    }
    return false;
  }

  static void emit(LineOutput* o, const std::string& lines) {
    if (!o || lines.empty()) return;
    o->buffer()->append(lines);
    o->wrote();
  }

  // Merges the sources of one person; the merged line goes to `line`, conflicts to the
  // conflict report. `records` are modified (an empty `unit` takes the source's unit).
  bool mergeGroup(const std::string& key, std::vector<Record>& records,
                  const std::vector<SourceTag>& tags, std::string* line, PersonRef* person);

  /// `"_refined":{"birth_date":{"from":"1978-03","to":"1978-03-05"}}` for the fields whose
  /// kept value is more exact than an agreeing source's; "" when none.
  std::string refinedMember(const std::vector<MergeSource>& sources,
                            const std::vector<FieldResolution>& res) const;

  /// The candidate's reason and evidence as one sentence (messages.yaml), its `why`.
  std::string candidateWhy(const Candidate& c) const;
  void findCandidates(const std::vector<std::pair<const PersonRef*, bool>>& people);

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

  // Each sheet's column letters, by batch: a stored version names the column of its values
  // even when it is not its sheet's first record (store runs only; sheet_layouts.h).
  SheetLayouts layouts{schema};

  // The store's people (store runs only).
  KeyPacker packer;
  KeyIndex index;
  std::vector<Person> people;
  std::vector<std::string> unit_sets;  // "431302", "431302,431321" ...: Person::units
  std::unordered_map<std::string, uint32_t> unit_set_ids;

  uint32_t unitSet(std::string_view units);
  uint32_t personFor(std::string_view key);
  uint32_t last_units = 0;  // the unit set remembered last: most rows repeat it
  void remember(uint32_t who, const CurrentRow& row);
  void remember(uint32_t who, const CurrentBrief& brief);
  void forget(uint32_t who);
  bool checkSignature(const std::string& path, const BatchSnapshot& snapshot, BatchInfo* info);
  // Ordering (batch_order.h): the batch's collection time as it is read, each unit's newest.
  CollectionTime collection{schema};
  UnitLatest unit_latest;
  /// The files of one run in the order to merge them (oldest first), by the time each claims.
  std::vector<std::string> inTimeOrder(const std::vector<std::string>& files);
  /// Before verification: the latest signed-at of the blocks of FILE.vsig whose keys the trust
  /// store holds, else the collection time of its records; empty when it has neither.
  std::string claimedTime(const std::string& path);

  // The counted signers of the batch being merged (checkSignature); when `vouch_check` is set
  // every record's unit must be one of them may vouch for (issue 13, finding 1).
  std::vector<SignerResult> vouchers;
  bool vouch_check = false;
  std::string vouched_unit;  // the unit last found vouched for: most rows repeat it
  /// May a counted signer of this batch vouch for records of `unit` (a local unit is judged
  /// by its division; a county-level unit needs a county key)?
  bool vouched(const std::string& unit);
  /// "娄星区民政局（431302）": the counted signers and their units, for the refusal.
  std::string vouchersText() const;

  /// The unit of the batch `path` whose first record is `first` (batch_unit.cpp): from the
  /// option, the records, the sheet's note or title, the counted signers (`vouchers`), the
  /// file name; a source naming another unit is reported.
  UnitAttribution batchUnit(const Record& first, const std::string& path);

  /// Starts over from the store (again, when another writer changed it): `people` holds only
  /// this run's fresh people, read back. (The number of people is counted by the streamed
  /// pass of candidate detection, storeCandidates, which reads every row anyway.)
  bool loadPeople(Store& store);
  /// Reads into `people` those of `keys` it does not hold yet (StoreReader::currentRows):
  /// the merge holds the people the run touches, never the whole current set.
  bool loadKeys(Store& store, const std::vector<std::string>& keys);
  /// Reads the store's decisions, then this run's, into `alias` and `different` (again, when
  /// another writer changed the store: its decisions may have joined people meanwhile).
  bool loadAliases(Store& store);
  /// Inside a write transaction: re-reads aliases and people when another writer committed
  /// since they were read (StoreWriter::changedElsewhere).
  bool reloadIfChanged(Store& store);
  int mergeStore(Store& store, const std::vector<std::string>& files);
  bool mergeBatch(Store& store, const std::string& path, int* status);
  /// A person's live versions, as recompute reads them.
  struct LiveSet {
    std::vector<std::string> lines, units, files;
    std::vector<int64_t> versions, batches;
    void add(const LiveVersion& v);
  };
  /// The row of `current` for `key` made again from its live versions (none: deleted).
  bool recompute(Store& store, uint32_t who, const std::string& key, int64_t absent_from);
  bool recomputeFrom(Store& store, uint32_t who, const std::string& key, int64_t absent_from,
                     const LiveSet& lives);
  /// For each of `who` in order: their versions from `unit` that batch `bid` did not bring
  /// retired, then recomputed (`before_each` called first) — as retireOlder() and
  /// recompute() one person after the other, with the store read and written for some
  /// thousands at a time.
  bool retireAndRecompute(Store& store, const std::vector<uint32_t>& who, const std::string& unit,
                          int64_t bid, const std::function<void(uint32_t)>& before_each);
  /// Candidate detection over the store (store_merge.cpp); its one streamed pass over
  /// `current` also sets counts.people, the store's people after the run.
  bool storeCandidates(Store& store);
  /// Of the people of `unit` that batch `bid` left out (`absent`), those it brought back under
  /// the valid form of their number are merged with them (identity_correction.h) and taken
  /// out of `absent`; their rows before go to `before` (store_corrections.cpp).
  bool correctIdentities(Store& store, int64_t bid, const std::string& unit,
                         std::vector<uint32_t>* absent,
                         std::vector<std::pair<uint32_t, Person>>* before);
  /// Records people's "different" for `a` and `b`; when the store took them for one person
  /// (an identity correction, an earlier "same"), splits them again: each number's versions
  /// under their own key, those the joining retired live again (store_corrections.cpp).
  bool decideDifferent(Store& store, const std::string& a, const std::string& b);
  bool phonesOf(Store& store, std::vector<PersonRef>& refs, const std::vector<bool>& wanted);
};

}  // namespace vetkit
