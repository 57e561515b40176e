#include "merge/candidates.h"

#include <algorithm>
#include <functional>

#include "merge/identity.h"
#include "record/value_equivalence.h"
#include "text/id_number.h"
#include "text/utf8.h"

namespace vetkit {

static std::vector<char32_t> codePoints(std::string_view s) {
  std::vector<char32_t> out;
  for (size_t i = 0; i < s.size();) {
    char32_t cp = decodeUtf8(s, &i);
    if (cp != U'·' && cp != U'・' && cp != U'•') out.push_back(cp);
  }
  return out;
}

size_t nameBirthBlock(std::string_view name, std::string_view birth_date) {
  if (name.empty() || birth_date.size() < 4) return 0;
  std::hash<std::string_view> h;
  // Year and month (1966-10 of 1966-10-01): the year alone would put every 张伟 born in one
  // year in one block, and a million people's store would read most of them back.
  return (h(name) * 31 + h(birth_date.substr(0, 7))) | 1;
}

bool similarName(std::string_view a, std::string_view b) {
  if (a == b) return true;
  if (a.empty() || b.empty()) return false;
  std::vector<char32_t> x = codePoints(a), y = codePoints(b);
  if (x.size() > y.size()) std::swap(x, y);
  if (y.size() - x.size() > 1) return false;
  size_t i = 0;
  while (i < x.size() && x[i] == y[i]) ++i;
  if (x.size() == y.size())  // at most one substitution
    return std::equal(x.begin() + std::min(i + 1, x.size()), x.end(),
                      y.begin() + std::min(i + 1, y.size()));
  return std::equal(x.begin() + i, x.end(), y.begin() + i + 1);  // one insertion
}

void CandidateFinder::add(const PersonRef* p, bool fresh) {
  people_.push_back({p, fresh});
}

std::string CandidateFinder::pairKey(std::string_view a, std::string_view b) {
  if (b < a) std::swap(a, b);
  std::string k(a);
  k += '\n';
  k.append(b);
  return k;
}

void CandidateFinder::suppress(const std::string& a, const std::string& b) {
  suppressed_.insert(pairKey(a, b));
}

void CandidateFinder::report(const char* reason, double score, const Entry& a, const Entry& b,
                             std::vector<Candidate>* out,
                             std::unordered_set<std::string>* seen) const {
  if (!a.fresh && !b.fresh) return;
  if (a.person->key == b.person->key) return;
  std::string pk = pairKey(a.person->key, b.person->key);
  if (suppressed_.count(pk) || !seen->insert(pk).second) return;
  // The same phone speaks for one person; another phone (both given) a little against.
  const PersonRef &p = *a.person, &q = *b.person;
  if (!p.phone.empty() && !q.phone.empty())
    score = p.phone == q.phone ? std::min(0.98, score + 0.2) : std::max(0.1, score - 0.1);
  out->push_back({reason, score, candidateEvidence(p, q), a.person, b.person});
}

std::vector<const char*> candidateEvidence(const PersonRef& a, const PersonRef& b) {
  std::vector<const char*> e;
  if (!a.name.empty() && a.name == b.name)
    e.push_back("same-name");
  else if (similarName(a.name, b.name))
    e.push_back("similar-name");
  if (!a.birth_date.empty() && a.birth_date == b.birth_date)
    e.push_back("same-birth");
  else if (!a.birth_date.empty() && sameDate(a.birth_date, b.birth_date))
    e.push_back("birth-within-precision");
  if (!a.gender.empty() && !b.gender.empty())
    e.push_back(a.gender == b.gender ? "same-gender" : "other-gender");
  if (!a.phone.empty() && !b.phone.empty())
    e.push_back(a.phone == b.phone ? "same-phone" : "other-phone");
  return e;
}

// A suspect identity number (failing its check, or upgraded from 15 digits) against every
// number one substitution or one adjacent transposition away.
void CandidateFinder::probe(const Entry& e, const Sorted& keys, std::vector<Candidate>* out,
                            std::unordered_set<std::string>* seen) const {
  const PersonRef& p = *e.person;
  auto lookup = [&](std::string_view k) -> const Entry* {
    auto it = std::lower_bound(keys.begin(), keys.end(), k,
                               [](const auto& x, std::string_view v) { return x.first < v; });
    return it != keys.end() && it->first == k ? it->second : nullptr;
  };
  bool bad_check = looksLikeId18(p.key) && p.id15.empty() && checkIdNumber(p.key) != IdStatus::Ok;
  auto judge = [&](const Entry* other, bool transposed) {
    if (!other || other == &e) return;
    const PersonRef& q = *other->person;
    bool same_birth_gender = !p.birth_date.empty() && p.birth_date == q.birth_date &&
                             !p.gender.empty() && p.gender == q.gender;
    bool similar = similarName(p.name, q.name);
    if (!transposed && bad_check && same_birth_gender)
      report("id-checksum-repair", similar ? 0.95 : 0.8, e, *other, out, seen);
    else if (similar || same_birth_gender)
      report(transposed ? "id-transposition" : "id-typo",
             p.name == q.name && same_birth_gender ? 0.9
             : similar                             ? 0.75
                                                   : 0.6,
             e, *other, out, seen);
  };
  forEachIdVariant(p, [&](const std::string& v, bool transposed) { judge(lookup(v), transposed); });
}

void forEachIdVariant(const PersonRef& p, const std::function<void(const std::string&, bool)>& fn) {
  // The number as typed: 15 digits when it was upgraded, so the mistake is one digit there.
  const std::string& typed = p.id15.empty() ? p.key : p.id15;
  bool is15 = !p.id15.empty();
  auto keyOf = [&](const std::string& v) { return is15 ? upgradeId15(v) : v; };
  std::string v = typed;
  for (size_t i = 0; i < typed.size(); ++i) {
    const char* alphabet = (!is15 && i == 17) ? "0123456789X" : "0123456789";
    for (const char* c = alphabet; *c; ++c) {
      if (*c == typed[i]) continue;
      v[i] = *c;
      fn(keyOf(v), false);
    }
    v[i] = typed[i];
  }
  for (size_t i = 0; i + 1 < typed.size(); ++i) {
    if (typed[i] == typed[i + 1]) continue;
    std::swap(v[i], v[i + 1]);
    fn(keyOf(v), true);
    std::swap(v[i], v[i + 1]);
  }
}

bool suspectId(const PersonRef& p) {
  return suspectIdNumber(p.key, p.id15);
}

std::vector<Candidate> CandidateFinder::find() const {
  std::vector<Candidate> out;
  std::unordered_set<std::string> seen;

  // Same name and birth date: sort by a hash of the name and the birth month, then compare
  // within equal runs. The month, not the date: 出生年月 1966-10 must meet 1966-10-01.
  std::vector<std::pair<size_t, const Entry*>> nb;
  nb.reserve(people_.size());
  for (const Entry& e : people_)
    if (size_t b = nameBirthBlock(e.person->name, e.person->birth_date)) nb.emplace_back(b, &e);
  std::sort(nb.begin(), nb.end(), [](const auto& x, const auto& y) { return x.first < y.first; });
  for (size_t i = 0; i < nb.size();) {
    size_t j = i + 1;
    while (j < nb.size() && nb[j].first == nb[i].first) ++j;
    for (size_t x = i; x < j; ++x)
      for (size_t y = x + 1; y < j; ++y) {
        const PersonRef &a = *nb[x].second->person, &b = *nb[y].second->person;
        if (a.name != b.name || !sameDate(a.birth_date, b.birth_date)) continue;
        // A date of one precision inside the other's: likely, a little less than the same day.
        bool exact = a.birth_date == b.birth_date;
        report(exact ? "same-name-birth" : "same-name-birth-precision",
               (a.gender == b.gender ? 0.7 : 0.4) - (exact ? 0 : 0.05), *nb[x].second,
               *nb[y].second, &out, &seen);
      }
    i = j;
  }

  // Suspect identity numbers against all keys.
  Sorted keys;
  keys.reserve(people_.size());
  for (const Entry& e : people_) keys.emplace_back(e.person->key, &e);
  std::sort(keys.begin(), keys.end(),
            [](const auto& x, const auto& y) { return x.first < y.first; });
  for (const Entry& e : people_) {
    const PersonRef& p = *e.person;
    if (suspectId(p)) probe(e, keys, &out, &seen);
  }

  // The strongest first; ties in a stable order of keys.
  std::stable_sort(out.begin(), out.end(), [](const Candidate& x, const Candidate& y) {
    if (x.score != y.score) return x.score > y.score;
    return std::tie(x.a->key, x.b->key) < std::tie(y.a->key, y.b->key);
  });
  return out;
}

}  // namespace vetkit
