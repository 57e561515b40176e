// The schema as loaded from schemas/veteran.yaml: labels, codes, aliases, divisions.
#include <gtest/gtest.h>

#include "test_schema.h"

#include <cstdio>
#include <fstream>

#include "schema/profile.h"
#include "schema/schema.h"

using namespace vetkit;

namespace {
using vetkit::testing::schema;
}  // namespace

TEST(Schema, EveryDomainFieldIsPresent) {
  for (const char* id : {"category",
                         "name",
                         "gender",
                         "ethnicity",
                         "birth_date",
                         "id_number",
                         "political_status",
                         "phone",
                         "hukou_division",
                         "hukou_address",
                         "unit",
                         "enlist_date",
                         "discharge_date",
                         "service_identity",
                         "service_unit",
                         "service_number",
                         "placement",
                         "employment_status",
                         "employer",
                         "has_housing",
                         "housing_nature",
                         "housing_area",
                         "benefit_types",
                         "disability_grade",
                         "disability_nature",
                         "insurance",
                         "dibao",
                         "disability_subsidy",
                         "related_name",
                         "relation",
                         "appeals",
                         "photo",
                         "plaque_hung",
                         "plaque_date",
                         "collected_at",
                         "collector",
                         "collection_mode"})
    EXPECT_NE(schema().field(id), nullptr) << id;
}

TEST(Schema, HeadersMapThroughLabelsAfterFolding) {
  auto id = [](const char* header) {
    const Field* f = schema().fieldForHeader(header);
    return f ? f->id : std::string("-");
  };
  EXPECT_EQ(id("公民身份号码"), "id_number");
  EXPECT_EQ(id("身份证号码（18位）"), "id_number");
  EXPECT_EQ(id(" 身份证号 "), "id_number");
  EXPECT_EQ(id("*姓名"), "name");
  EXPECT_EQ(id("出生年月"), "birth_date");
  EXPECT_EQ(id("面积（平方米）"), "housing_area");
  EXPECT_EQ(id("入伍（参加工作）时间"), "enlist_date");
  EXPECT_EQ(id("id_number"), "id_number");
  EXPECT_EQ(id("备注"), "-");
  EXPECT_TRUE(schema().isIgnoredColumn("序号"));
}

TEST(Schema, CodesByCodeLabelAliasAndDroppedZero) {
  const CodeTable* eth = schema().table("ethnicity");
  ASSERT_NE(eth, nullptr);
  EXPECT_EQ(eth->lookup("汉")->code, "01");
  EXPECT_EQ(eth->lookup("汉族")->code, "01");
  EXPECT_EQ(eth->lookup("01")->code, "01");
  EXPECT_EQ(eth->lookup("1")->code, "01");  // Excel dropped the zero
  EXPECT_EQ(eth->lookup("苗族")->code, "06");
  EXPECT_EQ(eth->lookup("火星族"), nullptr);
  const CodeTable* cat = schema().table("category");
  EXPECT_EQ(cat->lookup("退役士兵")->code, "12");
  EXPECT_EQ(cat->lookup("军属")->code, "24");
  EXPECT_EQ(cat->lookup("享受国家抚恤的伤残民兵民工")->group, "disabled");
}

TEST(Schema, RequirementsByCategoryGroup) {
  const Field* related = schema().field("related_name");
  EXPECT_TRUE(schema().isRequired(*related, "21"));
  EXPECT_FALSE(schema().isRequired(*related, "12"));
  EXPECT_TRUE(schema().isRequired(*schema().field("name"), "31"));
  EXPECT_TRUE(schema().isRequired(*schema().field("disability_grade"), "31"));
}

TEST(Schema, YesNoSpellings) {
  EXPECT_EQ(schema().yesno("是"), true);
  EXPECT_EQ(schema().yesno("有"), true);
  EXPECT_EQ(schema().yesno("√"), true);
  EXPECT_EQ(schema().yesno("无"), false);
  EXPECT_EQ(schema().yesno("否"), false);
  EXPECT_EQ(schema().yesno("也许"), std::nullopt);
}

TEST(Schema, CountyOfADivisionValueAndItsShortName) {
  const Schema& s = schema();
  EXPECT_EQ(s.countyOf("431321"), "431321");
  EXPECT_EQ(s.countyOf("LD01"), "431302");  // a local zone: the county it lies in
  EXPECT_EQ(s.countyOf("431300"), "");      // a prefecture names no county
  EXPECT_EQ(s.countyOf("430000"), "");
  EXPECT_EQ(s.countyOf("双峰县"), "");
  EXPECT_EQ(Divisions::prefectureOf("431321"), "431300");
  EXPECT_EQ(Divisions::prefectureOf("430000"), "");
  EXPECT_EQ(Divisions::prefectureOf("4313"), "");
  EXPECT_EQ(s.divisions().shortName("431321"), "双峰县");
  EXPECT_EQ(s.divisions().shortName("431300"), "娄底市");
  EXPECT_EQ(s.divisions().shortName("999999"), "");
}

TEST(Schema, AppliesToNamesTheCategoriesAnItemConcerns) {
  const Schema& s = schema();
  const Field* plaque = s.field("plaque_hung");
  const Field* martyr = s.field("related_name");
  const Field* phone = s.field("phone");
  ASSERT_TRUE(plaque && martyr && phone);
  EXPECT_TRUE(s.applies(*plaque, "12"));
  EXPECT_TRUE(s.applies(*plaque, "24"));
  EXPECT_FALSE(s.applies(*plaque, "18"));  // no military status: no plaque
  EXPECT_FALSE(s.applies(*plaque, "31"));
  EXPECT_TRUE(s.applies(*martyr, "21"));  // required for some: concerns those
  EXPECT_FALSE(s.applies(*martyr, "12"));
  EXPECT_TRUE(s.applies(*phone, "31"));  // required for none: concerns everyone
}

TEST(Schema, DivisionsHoldCurrentAndHistoricalCodes) {
  const Divisions& d = schema().divisions();
  ASSERT_NE(d.find("431321"), nullptr);
  EXPECT_TRUE(d.find("431321")->current);
  ASSERT_NE(d.find("432501"), nullptr);  // 娄底地区娄底市, abolished: valid in old IDs
  EXPECT_FALSE(d.find("432501")->current);
  EXPECT_EQ(d.find("999999"), nullptr);
  EXPECT_EQ(d.codeForName("双峰县"), "431321");
  EXPECT_EQ(d.codeForName("湖南省娄底市双峰县"), "431321");
}

TEST(Schema, MessagesInBothLanguages) {
  const Messages& m = schema().messages();
  EXPECT_EQ(m.format("missing-column", Lang::Zh, {{"label", "姓名"}}), "缺少必需的列「姓名」");
  EXPECT_EQ(m.format("missing-column", Lang::En, {{"label", "姓名"}, {"field", "name"}}),
            "missing column 姓名 (name)");
  EXPECT_EQ(m.format("no-such-code", Lang::Zh, {}), "no-such-code");
}

TEST(Schema, BrokenFilesAreReportedWithTheirLine) {
  std::string path = ::testing::TempDir() + "/broken.yaml";
  std::ofstream(path) << "fields:\n  - id: x\n    type: colour\n";
  std::string err;
  EXPECT_EQ(Schema::load(path, &err), nullptr);
  EXPECT_NE(err.find("unknown type 'colour'"), std::string::npos) << err;
  std::ofstream(path) << "fields: [\n";
  EXPECT_EQ(Schema::load(path, &err), nullptr);
  EXPECT_NE(err.find("broken.yaml:"), std::string::npos) << err;
  EXPECT_EQ(Schema::load(path + ".missing", &err), nullptr);
  std::ofstream(path) << "fields:\n  - id: a\n    labels: [甲]\n  - id: b\n    labels: [甲]\n";
  EXPECT_EQ(Schema::load(path, &err), nullptr);
  EXPECT_NE(err.find("names two fields"), std::string::npos) << err;
}

TEST(Schema, HeaderMatchingIsReadAndChecked) {
  const HeaderMatching& hm = schema().headerMatching();
  EXPECT_FALSE(hm.synonyms.empty());
  EXPECT_GT(hm.accept, hm.suggest);
  std::string path = ::testing::TempDir() + "/matching.yaml", err;
  std::ofstream(path) << "fields: []\nheader_matching:\n  ignore:\n    colour: {words: [x]}\n";
  EXPECT_EQ(Schema::load(path, &err), nullptr);
  EXPECT_NE(err.find("unknown type 'colour'"), std::string::npos) << err;
  std::ofstream(path) << "fields: []\nheader_matching:\n  accept: 0.4\n  suggest: 0.6\n";
  EXPECT_EQ(Schema::load(path, &err), nullptr);
  EXPECT_NE(err.find("suggest <= accept"), std::string::npos) << err;
}

TEST(Profile, MapsForeignHeadersBeforeTheSchema) {
  std::string err;
  Profile p;
  ASSERT_TRUE(Profile::load(VETKIT_FIXTURES "/profile/extract-profile.yaml", schema(), &p, &err))
      << err;
  EXPECT_EQ(fieldForHeader(schema(), &p, "人员姓名")->id, "name");
  EXPECT_EQ(fieldForHeader(schema(), &p, " 身份证号 ")->id, "id_number");
  EXPECT_EQ(fieldForHeader(schema(), &p, "出生日期")->id, "birth_date");  // the schema's label
  EXPECT_EQ(fieldForHeader(schema(), nullptr, "人员姓名"), nullptr);
  EXPECT_TRUE(p.partial());
  EXPECT_FALSE(
      Profile::load(VETKIT_FIXTURES "/profile/bad-profile.yaml", schema(), &p, &err, Lang::En));
  EXPECT_NE(err.find("no field 'no_such_field'"), std::string::npos) << err;
}
