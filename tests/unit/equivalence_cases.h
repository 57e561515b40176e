// The one table of "the same value" that vetmerge and vetdiff must both honour
// (record/value_equivalence.h): merge_test checks that each pair is (or is not) a conflict and
// which value survives, diff_test that it is (or is not) a change. A case added here is checked
// by both.
#pragma once

namespace vetkit_test {

struct EquivalenceCase {
  const char* field;
  const char* a;  // JSON values as a record stream holds them
  const char* b;
  bool same;
  const char* kept;  // the value a merge keeps when they are the same (JSON); null: a
};

inline constexpr EquivalenceCase kEquivalenceCases[] = {
    // Dates of different precision: the more exact one survives.
    {"birth_date", R"("1978-03")", R"("1978-03-05")", true, R"("1978-03-05")"},
    {"birth_date", R"("1978-03-05")", R"("1978-03")", true, R"("1978-03-05")"},
    {"birth_date", R"("1978")", R"("1978-03-05")", true, R"("1978-03-05")"},
    {"enlist_date", R"("1996-10")", R"("1996-10-01")", true, R"("1996-10-01")"},
    {"birth_date", R"("1978-03")", R"("1978-04-05")", false, nullptr},
    {"birth_date", R"("1978-03-05")", R"("1978-03-06")", false, nullptr},
    {"birth_date", R"("1978-0")", R"("1978-03")", false, nullptr},
    {"birth_date", R"("1978")", R"("1979-03")", false, nullptr},
    // Sets are unordered.
    {"benefit_types", R"(["1","3"])", R"(["3","1"])", true, nullptr},
    {"benefit_types", R"(["1","3"])", R"(["1"])", false, nullptr},
    // Blanks typed inside a Chinese name; a run of blanks between ASCII words.
    {"name", R"("王  五")", R"("王五")", true, nullptr},
    {"name", R"("Li  Ming")", R"("Li Ming")", true, nullptr},
    {"name", R"("LiMing")", R"("Li Ming")", false, nullptr},
    {"name", R"("王五")", R"("王六")", false, nullptr},
    // Numbers by value.
    {"housing_area", "85.5", "85.50", true, nullptr},
    {"housing_area", "85.5", "86", false, nullptr},
};

}  // namespace vetkit_test
