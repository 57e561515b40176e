// vetmerge's library: identity keys, survivorship rules, candidate reasons.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>

#include "equivalence_cases.h"
#include "merge/candidates.h"
#include "merge/identity.h"
#include "merge/identity_correction.h"
#include "merge/output.h"
#include "merge/survivorship.h"
#include "merge/unit_attribution.h"
#include "record/record_reader.h"
#include "text/id_number.h"

using namespace vetkit;

namespace {

const Schema& schema() {
  static std::unique_ptr<Schema> s = [] {
    std::string err;
    auto p = Schema::load(VETKIT_SCHEMAS "/veteran.yaml", &err);
    EXPECT_TRUE(p) << err;
    return p;
  }();
  return *s;
}

const MergePolicy& policy() {
  static MergePolicy p = [] {
    MergePolicy out;
    std::string err;
    EXPECT_TRUE(MergePolicy::load(VETKIT_SCHEMAS "/merge-policy.yaml", schema(), &out, &err))
        << err;
    return out;
  }();
  return p;
}

Record parse(const std::string& line) {
  RecordReader reader(schema());
  Record r;
  std::string err;
  EXPECT_TRUE(reader.parse(line, &r, &err)) << err;
  return r;
}

// Resolves `field` between two records; returns the chosen value's text and the rule.
std::pair<std::string, std::string> resolve2(const std::string& a, const std::string& b,
                                             const char* field) {
  Record ra = parse(a), rb = parse(b);
  std::vector<MergeSource> sources = {{&ra, "431302"}, {&rb, "431321"}};
  std::vector<FieldResolution> res;
  resolveFields(policy(), sources, &res);
  const FieldResolution& r = res[schema().field(field)->index];
  std::string chosen = r.chosen < 0 ? "" : sources[r.chosen].record->fields[r.field].text;
  return {chosen, r.conflict ? mergeRuleName(r.rule) : "agree"};
}

std::string validId(std::string first17) {
  return first17 + idCheckChar(first17);
}

}  // namespace

TEST(Identity, KeyFoldsAndUpgrades) {
  KeySpec spec;
  std::string err;
  ASSERT_TRUE(parseKeySpec(schema(), "id_number", &spec, &err));
  EXPECT_TRUE(spec.identity);
  EXPECT_EQ(recordKey(parse(R"({"id_number":"610104620927690"})"), spec), "610104196209276908");
  EXPECT_EQ(recordKey(parse(R"({"id_number":"11010519491231002x"})"), spec), "11010519491231002X");
  EXPECT_EQ(recordKey(parse(R"({"name":"王"})"), spec), "");
  ASSERT_TRUE(parseKeySpec(schema(), "name,birth_date", &spec, &err));
  EXPECT_FALSE(spec.identity);
  EXPECT_EQ(recordKey(parse(R"({"name":"王","birth_date":"1950"})"), spec), "王|1950");
  EXPECT_FALSE(parseKeySpec(schema(), "name,nope", &spec, &err));
  EXPECT_NE(err.find("nope"), std::string::npos);
}

TEST(Survivorship, EachRule) {
  // non-empty: one source has no value.
  EXPECT_EQ(resolve2(R"({"employer":"娄底钢厂"})", R"({})", "employer"),
            std::make_pair(std::string("娄底钢厂"), std::string("non-empty")));
  // most-recent by collected_at.
  EXPECT_EQ(resolve2(R"({"phone":"13800000001","collected_at":"2026-08-01"})",
                     R"({"phone":"13800000002","collected_at":"2026-09-01"})", "phone"),
            std::make_pair(std::string("13800000002"), std::string("most-recent")));
  // mode-priority: 上门采集 (4) over 基础数据 (1), whatever the order.
  EXPECT_EQ(resolve2(R"({"name":"张三","collection_mode":"4"})",
                     R"({"name":"张叁","collection_mode":"1"})", "name"),
            std::make_pair(std::string("张三"), std::string("mode-priority")));
  // 现场采集 (2) and 上门采集 (4) rank alike: recency decides between them.
  EXPECT_EQ(
      resolve2(R"({"name":"张三","collection_mode":"4","collected_at":"2026-01-01"})",
               R"({"name":"张叁","collection_mode":"2","collected_at":"2026-02-01"})", "name"),
      std::make_pair(std::string("张叁"), std::string("most-recent")));
  // unit-priority for hukou_division: 431302 is listed before 431321.
  EXPECT_EQ(resolve2(R"({"hukou_division":"431302"})", R"({"hukou_division":"431321"})",
                     "hukou_division"),
            std::make_pair(std::string("431302"), std::string("unit-priority")));
  // flag: two units never decided.
  EXPECT_EQ(resolve2(R"({"unit":"431302"})", R"({"unit":"431321"})", "unit"),
            std::make_pair(std::string("431302"), std::string("flag")));
  // Agreement is no conflict.
  EXPECT_EQ(resolve2(R"({"name":"张三"})", R"({"name":"张三"})", "name"),
            std::make_pair(std::string("张三"), std::string("agree")));
}

TEST(Survivorship, PolicyErrorsNameTheProblem) {
  std::string path = testing::TempDir() + "/bad-policy.yaml";
  FILE* f = std::fopen(path.c_str(), "w");
  std::fputs("fields:\n  name: [non-empty, loudest]\n", f);
  std::fclose(f);
  MergePolicy p;
  std::string err;
  EXPECT_FALSE(MergePolicy::load(path, schema(), &p, &err));
  EXPECT_NE(err.find("loudest"), std::string::npos) << err;
}

TEST(SimilarName, OneEditApart) {
  EXPECT_TRUE(similarName("王德胜", "王德胜"));
  EXPECT_TRUE(similarName("王德胜", "王得胜"));
  EXPECT_TRUE(similarName("王德胜", "王胜"));
  EXPECT_TRUE(similarName("阿依古丽·买买提", "阿依古丽买买提"));
  EXPECT_FALSE(similarName("王德胜", "李明"));
  EXPECT_FALSE(similarName("王德胜", ""));
}

namespace {

struct Finder {
  std::vector<std::unique_ptr<PersonRef>> people;
  CandidateFinder finder;
  void add(std::string key, std::string name, std::string birth, std::string gender,
           std::string id15 = {}) {
    auto p = std::make_unique<PersonRef>();
    p->key = std::move(key), p->name = std::move(name), p->birth_date = std::move(birth);
    p->gender = std::move(gender), p->id15 = std::move(id15);
    finder.add(p.get(), true);
    people.push_back(std::move(p));
  }
  std::vector<std::string> reasons() {
    std::vector<std::string> out;
    for (const Candidate& c : finder.find()) out.push_back(c.reason);
    return out;
  }
};

}  // namespace

TEST(Candidates, EachReason) {
  std::string li = validId("43130219610806825");
  std::string li_typo = li.substr(0, 15) + (li[15] == '9' ? '0' : char(li[15] + 1)) + li.substr(16);
  ASSERT_NE(checkIdNumber(li_typo), IdStatus::Ok);
  {
    Finder f;
    f.add(li, "李卫东", "1961-08-06", "1");
    f.add(li_typo, "刘小明", "1961-08-06", "1");  // other name, same birth and gender
    EXPECT_EQ(f.reasons(), std::vector<std::string>{"id-checksum-repair"});
  }
  {
    std::string wang = validId("43130219700315131");
    std::string swapped = wang.substr(0, 14) + wang[15] + wang[14] + wang.substr(16);
    ASSERT_NE(swapped, wang);
    Finder f;
    f.add(wang, "王志刚", "1970-03-15", "1");
    f.add(swapped, "王志岗", "", "");
    EXPECT_EQ(f.reasons(), std::vector<std::string>{"id-transposition"});
  }
  {
    // An old 15-digit number mistyped: its upgrade has a valid check character.
    Finder f;
    f.add("610104196209276908", "赵丽华", "1962-09-27", "2");
    f.add(upgradeId15("610104620927680"), "赵莉华", "", "", "610104620927680");
    EXPECT_EQ(f.reasons(), std::vector<std::string>{"id-typo"});
  }
  {
    Finder f;
    f.add(validId("43130219481102012"), "陈秀英", "1948-11-02", "2");
    f.add(validId("43132119481102024"), "陈秀英", "1948-11-02", "2");
    EXPECT_EQ(f.reasons(), std::vector<std::string>{"same-name-birth"});
  }
}

TEST(Candidates, ClearlyDifferentPeopleAreNotPaired) {
  Finder f;
  f.add(validId("43130219610806825"), "李卫东", "1961-08-06", "1");
  f.add(validId("43132119900101046"), "周敏", "1990-01-01", "2");
  f.add(validId("43130219700315131"), "王志刚", "1970-03-15", "1");
  // A mistyped number whose near neighbours are nobody alike is not paired either.
  std::string odd = validId("43138219550509071");
  f.add(odd.substr(0, 17) + (odd[17] == '0' ? '1' : '0'), "孙红", "1975-04-04", "2");
  EXPECT_TRUE(f.reasons().empty());
}

TEST(Candidates, DifferentDecisionSuppressesThePair) {
  Finder f;
  std::string a = validId("43130219481102012"), b = validId("43132119481102024");
  f.add(a, "陈秀英", "1948-11-02", "2");
  f.add(b, "陈秀英", "1948-11-02", "2");
  f.finder.suppress(b, a);
  EXPECT_TRUE(f.reasons().empty());
}

// Sources that differ only in spelling agree, as vetdiff sees no change between them: a code
// set in another order, blanks typed between Chinese characters.
TEST(Survivorship, SpellingAloneIsNoConflict) {
  EXPECT_EQ(
      resolve2(R"({"benefit_types":["1","3"]})", R"({"benefit_types":["3","1"]})", "benefit_types")
          .second,
      "agree");
  EXPECT_EQ(resolve2(R"({"name":"王  五"})", R"({"name":"王五"})", "name").second, "agree");
  EXPECT_NE(resolve2(R"({"name":"王五"})", R"({"name":"王六"})", "name").second, "agree");
}

// The shared table of equivalences (equivalence_cases.h): what vetdiff calls no change is no
// conflict, and of two dates that agree the more exact one is kept and the refinement marked.
TEST(Survivorship, EquivalenceCasesSharedWithDiff) {
  for (const vetkit_test::EquivalenceCase& c : vetkit_test::kEquivalenceCases) {
    SCOPED_TRACE(std::string(c.field) + ": " + c.a + " / " + c.b);
    Record ra = parse(std::string("{\"") + c.field + "\":" + c.a + "}");
    Record rb = parse(std::string("{\"") + c.field + "\":" + c.b + "}");
    std::vector<MergeSource> sources = {{&ra, "431302"}, {&rb, "431302"}};
    std::vector<FieldResolution> res;
    resolveFields(policy(), sources, &res);
    const FieldResolution& r = res[schema().field(c.field)->index];
    EXPECT_EQ(r.conflict, !c.same);
    if (!c.same) continue;
    ASSERT_GE(r.chosen, 0);
    std::string kept;
    appendFieldValue(sources[r.chosen].record->fields[r.field], &kept);
    EXPECT_EQ(kept, c.kept ? c.kept : c.a);
    EXPECT_EQ(r.refined, c.kept != nullptr);
  }
}

// Three dates of one month: 1978-03 agrees with both days, but the days disagree.
TEST(Survivorship, PrecisionAgreementIsPairwise) {
  Record a = parse(R"({"birth_date":"1978-03"})"), b = parse(R"({"birth_date":"1978-03-05"})"),
         c = parse(R"({"birth_date":"1978-03-09"})");
  std::vector<MergeSource> sources = {{&a, "431302"}, {&b, "431302"}, {&c, "431302"}};
  std::vector<FieldResolution> res;
  resolveFields(policy(), sources, &res);
  EXPECT_TRUE(res[schema().field("birth_date")->index].conflict);
}

// --- unit attribution (issue 15) --------------------------------------------------------

TEST(UnitAttribution, EachSourceInOrder) {
  UnitClues all{
      "431321", "431302",        "冷水江市退役军人事务局", "娄底市涟源市退役军人信息采集表",
      "431322", "in/娄星区.xlsx"};
  EXPECT_EQ(attributeUnit(schema(), all).disagree.size(), 5u);  // each other one differs
  // Silenced one by one, from the first: the next source decides.
  std::string UnitClues::*order[] = {&UnitClues::option, &UnitClues::records, &UnitClues::note,
                                     &UnitClues::title,  &UnitClues::signer,  &UnitClues::file};
  const std::pair<const char*, UnitSource> expect[] = {
      {"431321", UnitSource::Option}, {"431302", UnitSource::Records},
      {"431381", UnitSource::Note},   {"431382", UnitSource::Title},
      {"431322", UnitSource::Signer}, {"431302", UnitSource::FileName},
      {"", UnitSource::None}};
  for (size_t i = 0; i < std::size(expect); ++i) {
    UnitAttribution a = attributeUnit(schema(), all);
    EXPECT_EQ(a.unit, expect[i].first) << i;
    EXPECT_EQ(a.source, expect[i].second) << i;
    if (i < std::size(order)) (all.*order[i]) = i + 1 < std::size(order) ? "" : "batch.csv";
  }
  EXPECT_STREQ(unitSourceName(UnitSource::FileName), "file-name");
}

TEST(UnitAttribution, NamesAndCodesFoundInText) {
  const CodeTable& units = *schema().table("units");
  auto code = [&](std::string_view text) {
    const CodeEntry* e = unitNamedIn(units, text);
    return e ? e->code : std::string("-");
  };
  EXPECT_EQ(code("双峰县退役军人信息采集表(最终版)(2).xlsx"), "431321");
  EXPECT_EQ(code("batch-431381.csv"), "431381");
  EXPECT_EQ(code("batch-4313810.csv"), "-");          // not the code: a longer number
  EXPECT_EQ(code("双峰县与涟源市合并表.xlsx"), "-");  // two units: neither
  EXPECT_EQ(code("万宝新区.xlsx"), "LD02");
  EXPECT_EQ(code("batch.csv"), "-");
  // The options and the records' unit by label too; a city signer names no collecting unit.
  UnitClues c;
  c.option = "冷水江市";
  EXPECT_EQ(attributeUnit(schema(), c).unit, "431381");
  UnitClues city;
  city.signer = "431300";
  EXPECT_EQ(attributeUnit(schema(), city).source, UnitSource::None);
  // A zone's batch sealed by its district's key: no disagreement.
  UnitClues zone;
  zone.records = "LD02";
  zone.signer = "431302";
  EXPECT_TRUE(attributeUnit(schema(), zone).disagree.empty());
}

// --- candidates across precision, with the phone as evidence (issue 15) -----------------

TEST(Candidates, BirthDatesComparedByPrecision) {
  Finder f;
  f.add(validId("43138219661001001"), "周建华", "1966-10", "1");
  f.add(validId("43130219661001002"), "周建华", "1966-10-01", "1");
  f.add(validId("43132119661102003"), "周建华", "1966-11-02", "1");  // another month: no pair
  f.people[0]->phone = f.people[1]->phone = "13907381234";
  std::vector<Candidate> found = f.finder.find();
  ASSERT_EQ(found.size(), 1u);
  const Candidate& c = found[0];
  EXPECT_STREQ(c.reason, "same-name-birth-precision");
  std::vector<std::string> evidence(c.evidence.begin(), c.evidence.end());
  EXPECT_EQ(evidence, (std::vector<std::string>{"same-name", "birth-within-precision",
                                                "same-gender", "same-phone"}));
  // The same phone speaks for one person; another phone a little against.
  double with_phone = c.score;
  f.people[1]->phone = "13807389999";
  found = f.finder.find();
  ASSERT_EQ(found.size(), 1u);
  EXPECT_LT(found[0].score, with_phone);
  EXPECT_EQ(std::string(found[0].evidence.back()), "other-phone");
}

TEST(Candidates, TheBlockDoesNotDependOnTheDay) {
  EXPECT_EQ(nameBirthBlock("周建华", "1966-10"), nameBirthBlock("周建华", "1966-10-01"));
  EXPECT_NE(nameBirthBlock("周建华", "1966-10"), nameBirthBlock("周建华", "1967-10"));
  EXPECT_NE(nameBirthBlock("周建华", "1966-10"), nameBirthBlock("周建华", "1966-11-01"));
  EXPECT_EQ(nameBirthBlock("", "1966-10"), 0u);
  EXPECT_EQ(nameBirthBlock("周建华", ""), 0u);
}

// --- identity corrections (issue 15) ----------------------------------------------------

TEST(IdentityCorrection, OnlyTheValidFormOfTheOldNumber) {
  std::string good = validId("43138119820915513");  // 431381198209155137
  std::string bad_check = good.substr(0, 17) + (good[17] == '0' ? '1' : '0');
  EXPECT_STREQ(idCorrection(bad_check, good), "id-check-digit");
  std::string swapped = good.substr(0, 14) + good[15] + good[14] + good.substr(16);
  ASSERT_NE(checkIdNumber(swapped), IdStatus::Ok);
  EXPECT_STREQ(idCorrection(swapped, good), "id-transposition");
  EXPECT_STREQ(idCorrection("4.313811982091551e+17", good), "id-excel-mangled");
  EXPECT_STREQ(idCorrection("4.313811982091551E+17", good), "id-excel-mangled");
  // As LibreOffice Calc saves the number: 15 significant digits, a three-digit exponent.
  EXPECT_STREQ(idCorrection("4.31381198209155E+017", good), "id-excel-mangled");
  EXPECT_STREQ(idCorrection("610104620927690", "610104196209276908"), "id-15-upgraded");
  // Not a correction: another number that is valid too, digits Excel kept that differ, a
  // new number that is itself wrong, a change of two digits.
  EXPECT_EQ(idCorrection(validId("43138119820915514"), good), nullptr);
  EXPECT_EQ(idCorrection("4.313811982091561e+17", good), nullptr);
  EXPECT_EQ(idCorrection("4.313811982091551e+16", good), nullptr);
  EXPECT_EQ(idCorrection(good, bad_check), nullptr);
  std::string two = good.substr(0, 10) + "99" + good.substr(12);
  EXPECT_EQ(idCorrection(two.substr(0, 17) + 'X', good), nullptr);
  // The 17th character changed too: not a check character typed wrong.
  char other17 = char('0' + (good[16] - '0' + 1) % 10);
  for (char check : std::string("0123456789X")) {
    std::string old = good.substr(0, 16) + other17 + check;
    std::string back = old;
    std::swap(back[16], back[17]);
    if (checkIdNumber(old) == IdStatus::Ok || back == good) continue;
    EXPECT_EQ(idCorrection(old, good), nullptr) << old;
  }
  EXPECT_EQ(excelDigits("4.30102E+17"), "430102");
  EXPECT_EQ(excelDigits("430102"), "");
}

TEST(IdentityCorrection, SamePersonButNumber) {
  PersonRef a, b;
  a.name = "李秀英", a.birth_date = "1975-03-02", a.gender = "2";
  b = a;
  b.birth_date = "1975-03";
  EXPECT_TRUE(samePersonButNumber(a, b));
  b.name = "李 秀英";
  EXPECT_TRUE(samePersonButNumber(a, b));
  b.name = "李秀云";  // only likely: for people to decide
  EXPECT_FALSE(samePersonButNumber(a, b));
  b = a, b.gender = "1";
  EXPECT_FALSE(samePersonButNumber(a, b));
  b = a, b.birth_date = "1975-04";
  EXPECT_FALSE(samePersonButNumber(a, b));
}
