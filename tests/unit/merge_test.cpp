// vetmerge's library: identity keys, survivorship rules, candidate reasons.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>

#include "merge/candidates.h"
#include "merge/identity.h"
#include "merge/survivorship.h"
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
