#include "merge/survivorship.h"

#include "record/value_equivalence.h"

#include <algorithm>

namespace vetkit {

namespace {

// The sources still in the running for one field, narrowed rule by rule.
struct Running {
  const std::vector<MergeSource>& sources;
  const Field& field;
  std::vector<int> in;

  const FieldValue& value(int i) const { return sources[i].record->fields[field.index]; }
  // Sources agree when their values are the same as the diff judges it (vetdiff): a
  // difference of spelling alone is no conflict.
  // Every pair: 1978-03 agrees with 1978-03-05 and with 1978-03-09, which do not agree.
  bool agree() const {
    for (size_t j = 0; j < in.size(); ++j)
      for (size_t k = j + 1; k < in.size(); ++k)
        if (!sameValue(field, value(in[j]), value(in[k]))) return false;
    return true;
  }
  // Of sources that agree, the one that says it most exactly (the first of those).
  int mostPrecise() const {
    int best = in[0];
    for (int i : in)
      if (precision(field, value(i)) > precision(field, value(best))) best = i;
    return best;
  }
  // Some agreeing source said it less exactly than the one kept.
  bool refinedBy(int kept) const {
    for (int i : in)
      if (value(i).present() && precision(field, value(i)) < precision(field, value(kept)))
        return true;
    return false;
  }
  // Keeps the sources of the best (lowest) rank; a rule that ranks nobody changes nothing.
  template <typename RankFn>
  void keepBest(RankFn rank) {
    int best = INT32_MAX;
    for (int i : in) best = std::min(best, rank(i));
    if (best == INT32_MAX) return;
    std::erase_if(in, [&](int i) { return rank(i) != best; });
  }
};

}  // namespace

void resolveFields(const MergePolicy& policy, const std::vector<MergeSource>& sources,
                   std::vector<FieldResolution>* out) {
  size_t nfields = policy.by_field.size();
  out->assign(nfields, {});
  // Dates are ISO strings, so the latest sorts last; rank them by position among all.
  std::vector<std::string_view> dates;
  if (policy.recency_field != size_t(-1))
    for (const MergeSource& s : sources) {
      const FieldValue& v = s.record->fields[policy.recency_field];
      if (v.kind == FieldValue::Kind::String) dates.push_back(v.text);
    }
  std::sort(dates.begin(), dates.end(), std::greater<>());

  for (size_t f = 0; f < nfields; ++f) {
    FieldResolution& r = (*out)[f];
    r.field = f;
    Running run{sources, policy.schema->fields()[f], {}};
    for (int i = 0; i < int(sources.size()); ++i) run.in.push_back(i);
    if (run.agree()) {
      int best = run.mostPrecise();
      r.chosen = run.value(best).present() ? best : -1;
      r.refined = r.chosen >= 0 && run.refinedBy(best);
      continue;
    }
    r.conflict = true;
    r.rule = MergeRule::First;
    for (MergeRule rule : policy.by_field[f]) {
      switch (rule) {
        case MergeRule::NonEmpty:
          run.keepBest([&](int i) { return run.value(i).present() ? 0 : 1; });
          break;
        case MergeRule::MostRecent:
          if (policy.recency_field == size_t(-1)) break;
          run.keepBest([&](int i) {
            const FieldValue& v = sources[i].record->fields[policy.recency_field];
            if (v.kind != FieldValue::Kind::String) return INT32_MAX;
            return int(std::find(dates.begin(), dates.end(), std::string_view(v.text)) -
                       dates.begin());
          });
          break;
        case MergeRule::ModePriority:
          if (policy.mode_field == size_t(-1)) break;
          run.keepBest([&](int i) {
            const FieldValue& v = sources[i].record->fields[policy.mode_field];
            auto it = policy.mode_rank.find(v.text);
            return v.present() && it != policy.mode_rank.end() ? it->second : INT32_MAX - 1;
          });
          break;
        case MergeRule::UnitPriority:
          run.keepBest([&](int i) {
            auto it = policy.unit_rank.find(sources[i].unit);
            return it != policy.unit_rank.end() ? it->second : INT32_MAX - 1;
          });
          break;
        default:
          break;
      }
      if (rule == MergeRule::Flag || run.agree()) {
        r.rule = rule;
        break;
      }
    }
    int best = run.agree() ? run.mostPrecise() : run.in[0];
    r.chosen = run.value(best).present() ? best : -1;
  }
}

}  // namespace vetkit
