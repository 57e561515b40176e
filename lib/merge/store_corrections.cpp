// The merge session's side of identity corrections (identity_correction.h): the people a
// unit's new batch left out, each matched against the people it brought under the valid form
// of their number; a match is merged, recorded as an automatic decision of the batch, and no
// longer counted absent.
#include "merge/identity_correction.h"
#include "merge/session_impl.h"

namespace vetkit {

bool MergeSession::Impl::correctIdentities(Store& store, int64_t bid, const std::string& unit,
                                           std::vector<uint32_t>* absent,
                                           std::vector<std::pair<uint32_t, Person>>* before) {
  std::vector<uint32_t> batch_people;  // this batch's people, for Excel-mangled numbers only
  // A new person of this batch from this unit alone: the one a correction can be.
  auto newHere = [&](uint32_t who) {
    const Person& n = people[who];
    return n.live && n.seen == bid && n.sources == 1 && unit_sets[n.units] == unit;
  };
  CurrentRow old_row, new_row;
  std::vector<uint32_t> still_absent;
  for (uint32_t a : *absent) {
    std::string old_key = packer.unpack(people[a].key);
    bool valid = looksLikeId18(old_key) && checkIdNumber(old_key) == IdStatus::Ok;
    std::vector<uint32_t> found;
    auto consider = [&](uint32_t who) {
      if (who == a || !newHere(who)) return;
      if (std::find(found.begin(), found.end(), who) != found.end()) return;
      if (idCorrection(old_key, packer.unpack(people[who].key))) found.push_back(who);
    };
    if (!valid && !excelDigits(old_key).empty()) {
      if (batch_people.empty())
        for (uint32_t i = 0; i < people.size(); ++i)
          if (people[i].seen == bid) batch_people.push_back(i);
      for (uint32_t who : batch_people) consider(who);
    } else if (!valid && looksLikeId18(old_key)) {
      PersonRef typed;
      typed.key = old_key;
      forEachIdVariant(typed, [&](const std::string& v, bool) {
        uint64_t packed;
        if (!KeyPacker::packId(v, &packed)) return;
        if (const uint32_t* who = index.find(packed)) consider(*who);
      });
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
    if (!store.currentRow(old_key, &old_row) || !store.currentRow(new_key, &new_row)) return false;
    if (!samePersonButNumber(old_row.person, new_row.person)) {
      still_absent.push_back(a);
      continue;
    }
    const char* reason = idCorrection(old_key, new_key);
    before->emplace_back(a, people[a]);
    before->emplace_back(n, people[n]);
    // The old version moves under the new number, retired by this batch: the history of the
    // person shows both numbers.
    if (!store.rekey(old_key, new_key) || !store.retireOlder(new_key, unit, bid) ||
        !store.addDecision(new_key, old_key, "same", bid) || !recompute(store, n, new_key, 0))
      return false;
    forget(a);
    alias[old_key] = new_key;
    ++counts.corrected;
    ++counts.retired;
    report(Severity::Warning, new_row.person.src, new_row.person.sheet, new_row.person.row,
           "id-corrected",
           {{"old", shownKey(old_key)},
            {"new", shownKey(new_key)},
            {"reason",
             schema.messages().format(std::string("correction-") + reason, options.lang, {})}},
           "id_number");
  }
  absent->swap(still_absent);
  return true;
}

}  // namespace vetkit
