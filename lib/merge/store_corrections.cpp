// The merge session's side of identity corrections (identity_correction.h): the people a
// unit's new batch left out, each matched against the people it brought under the valid form
// of their number; a match is merged, recorded as an automatic decision of the batch, and no
// longer counted absent. And the way back: people's later "different" for such a pair splits it.
#include <algorithm>
#include <unordered_map>
#include <unordered_set>

#include "merge/identity_correction.h"
#include "merge/session_impl.h"

namespace vetkit {

bool MergeSession::Impl::correctIdentities(Store& store, int64_t bid, const std::string& unit,
                                           std::vector<uint32_t>* absent,
                                           std::vector<std::pair<uint32_t, Person>>* before) {
  // This batch's people by number, sorted, for Excel-mangled numbers only: the digits Excel
  // kept are a prefix, so the people they can be are one range (not a scan of the batch for
  // each mangled number: 2,000 of them in a 200,000-record batch were 400 million probes).
  std::vector<std::pair<std::string, uint32_t>> batch_keys;
  // A new person of this batch from this unit alone: the one a correction can be.
  auto newHere = [&](uint32_t who) {
    const Person& n = people[who];
    return n.live && n.seen == bid && n.sources == 1 && unit_sets[n.units] == unit;
  };
  // The new people an absent one's number can be (memory only).
  auto findFor = [&](uint32_t a, std::vector<uint32_t>* found) {
    found->clear();
    std::string old_key = packer.unpack(people[a].key);
    bool valid = looksLikeId18(old_key) && checkIdNumber(old_key) == IdStatus::Ok;
    auto consider = [&](uint32_t who) {
      if (who == a || !newHere(who)) return;
      if (std::find(found->begin(), found->end(), who) != found->end()) return;
      if (idCorrection(old_key, packer.unpack(people[who].key))) found->push_back(who);
    };
    std::string digits = valid ? std::string() : excelDigits(old_key);
    if (!digits.empty()) {
      if (batch_keys.empty()) {
        for (uint32_t i = 0; i < people.size(); ++i)
          if (people[i].seen == bid && people[i].live)
            batch_keys.emplace_back(packer.unpack(people[i].key), i);
        std::sort(batch_keys.begin(), batch_keys.end());
      }
      // All but the last digit (it may be rounded) begin the number (idCorrection decides).
      std::string sure = digits.substr(0, digits.size() - 1);
      for (auto it = std::lower_bound(batch_keys.begin(), batch_keys.end(),
                                      std::pair<std::string, uint32_t>(sure, 0));
           it != batch_keys.end() && it->first.starts_with(sure); ++it)
        consider(it->second);
    } else if (!valid && looksLikeId18(old_key)) {
      PersonRef typed;
      typed.key = old_key;
      forEachIdVariant(typed, [&](const std::string& v, bool) {
        uint64_t packed;
        if (!KeyPacker::packId(v, &packed)) return;
        if (const uint32_t* who = index.find(packed)) consider(*who);
      });
    }
  };
  // Every absent person's possible matches first, so that the rows they need are read from
  // the store in one call (currentRowsFull), not two or more round trips a person.
  std::vector<std::vector<uint32_t>> founds(absent->size());
  std::vector<std::string> wanted;
  for (size_t i = 0; i < absent->size(); ++i) {
    findFor((*absent)[i], &founds[i]);
    if (founds[i].empty()) continue;
    wanted.push_back(packer.unpack(people[(*absent)[i]].key));
    for (uint32_t who : founds[i]) wanted.push_back(packer.unpack(people[who].key));
  }
  std::unordered_map<std::string, CurrentRow> rows;
  if (!wanted.empty() && !store.currentRowsFull(wanted, [&](CurrentRow&& r) {
        std::string k = r.person.key;
        rows.emplace(std::move(k), std::move(r));
      }))
    return false;
  // A row as the store holds it now: from those read, else asked for (false: none, or failed).
  auto rowOf = [&](const std::string& key, CurrentRow* row) {
    auto it = rows.find(key);
    if (it == rows.end()) return store.currentRow(key, row);
    *row = it->second;
    return true;
  };
  // The corrections decided and not yet written: written together (rekeyAll, retireOlderAll,
  // addDecisions, the new people's live versions read at once), then each person recomputed
  // and reported in order — as one correction after the other, since each touches only its
  // two people. A later absent person who could be one of the new people waiting sees them
  // written first.
  struct Correction {
    uint32_t a, n;
    std::string old_key, new_key;
    const char* reason;
    CurrentRow new_row;
  };
  std::vector<Correction> waiting;
  std::unordered_set<uint32_t> taken;
  auto write = [&]() {
    if (waiting.empty()) return true;
    std::vector<std::pair<std::string, std::string>> moves, pairs;
    std::vector<std::string> news;
    for (const Correction& c : waiting) {
      before->emplace_back(c.a, people[c.a]);
      before->emplace_back(c.n, people[c.n]);
      // The old version moves under the new number, retired by this batch: the history of
      // the person shows both numbers.
      moves.emplace_back(c.old_key, c.new_key);
      pairs.emplace_back(c.new_key, c.old_key);
      news.push_back(c.new_key);
    }
    std::unordered_map<std::string, LiveSet> lives;
    if (!store.rekeyAll(moves) || !store.retireOlderAll(news, unit, bid) ||
        !store.addDecisions(pairs, "same", bid) ||
        !store.forEachLiveOfKeys(
            news, [&](std::string_view k, const LiveVersion& v) { lives[std::string(k)].add(v); }))
      return false;
    for (const Correction& c : waiting) {
      if (!recomputeFrom(store, c.n, c.new_key, 0, lives[c.new_key])) return false;
      forget(c.a);
      alias[c.old_key] = c.new_key;
      ++counts.corrected;
      ++counts.retired;
      rows.erase(c.old_key), rows.erase(c.new_key);
      report(Severity::Warning, c.new_row.person.src, c.new_row.person.sheet, c.new_row.person.row,
             "id-corrected",
             {{"old", shownKey(c.old_key)},
              {"new", shownKey(c.new_key)},
              {"reason",
               schema.messages().format(std::string("correction-") + c.reason, options.lang, {})}},
             "id_number");
    }
    waiting.clear();
    taken.clear();
    return true;
  };
  CurrentRow old_row, new_row;
  std::vector<uint32_t> still_absent;
  for (size_t i = 0; i < absent->size(); ++i) {
    uint32_t a = (*absent)[i];
    std::vector<uint32_t>& found = founds[i];
    if (std::any_of(found.begin(), found.end(), [&](uint32_t w) { return taken.count(w); })) {
      if (!write()) return false;
      findFor(a, &found);
    }
    std::string old_key = packer.unpack(people[a].key);
    // Several numbers the old one can be (a short Excel prefix covers a hundred sequence
    // numbers of one birth day): only those of the same person count.
    if (found.size() > 1) {
      if (!rowOf(old_key, &old_row)) return false;
      std::vector<uint32_t> same;
      for (uint32_t who : found) {
        if (!rowOf(packer.unpack(people[who].key), &new_row)) return false;
        if (samePersonButNumber(old_row.person, new_row.person)) same.push_back(who);
      }
      found.swap(same);
    }
    // One new person, the same but for the number: else people decide (candidates).
    if (found.size() != 1) {
      still_absent.push_back(a);
      continue;
    }
    uint32_t n = found[0];
    std::string new_key = packer.unpack(people[n].key);
    if (different.count(CandidateFinder::pairKey(old_key, new_key))) {
      still_absent.push_back(a);
      continue;
    }
    if (!rowOf(old_key, &old_row) || !rowOf(new_key, &new_row)) return false;
    if (!samePersonButNumber(old_row.person, new_row.person)) {
      still_absent.push_back(a);
      continue;
    }
    waiting.push_back({a, n, old_key, new_key, idCorrection(old_key, new_key), new_row});
    taken.insert(n);
  }
  if (!write()) return false;
  absent->swap(still_absent);
  return true;
}

bool MergeSession::Impl::decideDifferent(Store& store, const std::string& a, const std::string& b) {
  // The pair as the store recorded it: a "different" replaces its "same" in place.
  bool joined = false;
  std::string x = a, y = b;
  if (!store.forEachDecision([&](std::string_view da, std::string_view db, std::string_view d) {
        if (!((da == a && db == b) || (da == b && db == a))) return;
        x = da, y = db;
        joined = d == "same";
      }))
    return false;
  if (!store.addDecision(x, y, "different", 0)) return false;
  if (!joined) return true;
  // Each number's versions held under the other's key go back under their own. One that was
  // retired by a batch that brought none of its number's versions was retired by the joining
  // (the correction batch left that number out): it is live again, the person absent from
  // that batch, as they would have been without the correction.
  for (auto [holder, own] : {std::pair(&x, &y), std::pair(&y, &x)}) {
    struct Moved {
      int64_t version, batch, retired_by;
    };
    std::vector<Moved> moved;
    std::string err;
    Record r;
    if (!store.history(*holder, [&](const LiveVersion& v, int64_t retired_by, std::string_view) {
          if (reader.parse(v.json, &r, &err) && recordKey(r, options.key) == *own)
            moved.push_back({v.version, v.batch, retired_by});
        }))
      return false;
    if (moved.empty()) continue;
    int64_t absent_from = 0;
    for (const Moved& m : moved) {
      bool by_own = std::any_of(moved.begin(), moved.end(),
                                [&](const Moved& o) { return o.batch == m.retired_by; });
      bool revive = m.retired_by && !by_own;
      if (revive) absent_from = std::max(absent_from, m.retired_by);
      if (!store.moveVersion(m.version, *own, revive)) return false;
    }
    uint32_t h = personFor(*holder);
    int64_t holder_absent = people[h].absent_from;
    if (!recompute(store, h, *holder, holder_absent)) return false;
    uint32_t o = personFor(*own);
    if (!recompute(store, o, *own, absent_from)) return false;
    people[h].fresh = people[o].fresh = true;
    report(Severity::Warning, decisions_file, "", 0, "id-correction-undone",
           {{"old", shownKey(*own)}, {"new", shownKey(*holder)}});
  }
  return true;
}

}  // namespace vetkit
