// Department profiles (lib/schema/department_profile) and the cross-check (lib/crosscheck) on
// the city of tests/fixtures/dept: three counties and extracts made as departments make them.
#include "crosscheck/crosscheck.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <set>

#include "core/exit_status.h"
#include "test_schema.h"

using namespace vetkit;
using vetkit::testing::schema;

namespace {

const std::string kDept = VETKIT_FIXTURES "/dept/";

DepartmentProfile profile(const std::string& name) {
  DepartmentProfile p;
  std::string err;
  EXPECT_TRUE(DepartmentProfile::load(
      DepartmentProfile::resolve(name, VETKIT_SCHEMAS "/veteran.yaml"), schema(), &p, &err))
      << err;
  return p;
}

struct Collect : CrossSink {
  std::vector<CrossFinding> findings;
  void finding(const CrossFinding& f) override { findings.push_back(f); }
  void finish(const CrossStats&) override {}
};

struct CheckRun {
  int status = -1;
  std::vector<CrossFinding> findings;
  CrossStats stats;
  std::vector<Diagnostic> diags;
  std::string err;
  // "kind field key county [ours|theirs]" per finding, for exact comparison.
  std::vector<std::string> lines;
};

std::string shown(const FieldValue& v) {
  switch (v.kind) {
    case FieldValue::Kind::Absent:
      return "-";
    case FieldValue::Kind::Bool:
      return v.boolean ? "true" : "false";
    case FieldValue::Kind::Array: {
      std::string s;
      for (const std::string& i : v.items) s += (s.empty() ? "" : ",") + i;
      return "[" + s + "]";
    }
    default:
      return v.text;
  }
}

CheckRun check(const std::string& dept, const std::string& theirs,
               const std::string& ours = kDept + "city.jsonl") {
  CheckRun r;
  DepartmentProfile p = profile(dept);
  Collect sink;
  r.status = crossCheck(
      schema(), p, ours, theirs, {}, &sink, [&](const Diagnostic& d) { r.diags.push_back(d); },
      &r.stats, &r.err);
  r.findings = sink.findings;
  for (const CrossFinding& f : r.findings)
    r.lines.push_back(std::string(crossKindName(f.kind)) + " " + crossFieldId(f) + " " + f.name +
                      " " + f.county + " " + shown(f.ours) + "|" +
                      (f.field ? shown(f.theirs) : f.status));
  return r;
}

std::string writeProfile(const std::string& name, const std::string& text) {
  std::string path = ::testing::TempDir() + "crosscheck_test_" + name + ".yaml";
  std::ofstream(path) << text;
  return path;
}

std::string loadError(const std::string& name, const std::string& text) {
  DepartmentProfile p;
  std::string err;
  EXPECT_FALSE(DepartmentProfile::load(writeProfile(name, text), schema(), &p, &err));
  return err;
}

}  // namespace

TEST(DepartmentProfile, EveryBundledProfileLoads) {
  size_t n = 0;
  for (const auto& e : std::filesystem::directory_iterator(VETKIT_SCHEMAS "/departments")) {
    DepartmentProfile p;
    std::string err;
    EXPECT_TRUE(DepartmentProfile::load(e.path().string(), schema(), &p, &err)) << err;
    EXPECT_FALSE(p.checks().empty()) << e.path();
    EXPECT_FALSE(p.send().empty()) << e.path();
    ++n;
  }
  EXPECT_GE(n, 8u);  // 公安, 民政, 人社, 住建, 卫健, 信访, 军分区 and the base data
}

TEST(DepartmentProfile, DeclaresRowsComparisonsAndWhatMayBeSent) {
  DepartmentProfile renshe = profile("renshe");
  EXPECT_EQ(renshe.rows(), DepartmentProfile::Rows::Set);
  ASSERT_EQ(renshe.checks().size(), 1u);
  EXPECT_EQ(renshe.checks()[0].compare, DepartmentCheck::Compare::Subset);
  EXPECT_EQ(renshe.checks()[0].holds, (std::vector<std::string>{"3", "4", "5"}));
  EXPECT_TRUE(renshe.statusInactive("终止"));
  EXPECT_FALSE(renshe.statusInactive("参保缴费"));
  DepartmentProfile minzheng = profile("minzheng");
  EXPECT_EQ(minzheng.rows(), DepartmentProfile::Rows::List);
  EXPECT_EQ(minzheng.checks()[0].compare, DepartmentCheck::Compare::OnList);
  std::vector<std::string> sent;
  for (const Field* f : minzheng.send()) sent.push_back(f->id);
  EXPECT_EQ(sent, (std::vector<std::string>{"id_number", "name"}));  // nothing more
  EXPECT_TRUE(profile("junfenqu").roster());
  EXPECT_TRUE(profile("base").roster());
  EXPECT_FALSE(profile("gongan").roster());
  EXPECT_TRUE(profile("gongan").statusProblem("死亡注销"));
}

TEST(DepartmentProfile, MistakesAreNamedWithTheirLine) {
  const std::string head = "name: x\ncolumns: {姓名: name}\nsend: [name]\n";
  EXPECT_NE(loadError("onlist", head + "authority:\n  gender: on-list\n").find(":5: on-list"),
            std::string::npos);
  EXPECT_NE(loadError("field", head + "authority:\n  nosuch: equal\n").find("no field 'nosuch'"),
            std::string::npos);
  EXPECT_NE(loadError("compare", head + "authority:\n  name: roughly\n")
                .find("`compare: roughly` is none of equal, on-list, subset, present"),
            std::string::npos);
  EXPECT_NE(loadError("holds", head + "authority:\n  insurance: {compare: subset}\n")
                .find("subset needs `holds:`"),
            std::string::npos);
  EXPECT_NE(loadError("badcode", head + "authority:\n  insurance: {compare: subset, holds: [7]}\n")
                .find("'7' is no code of insurance"),
            std::string::npos);
  EXPECT_NE(loadError("nosend", "name: x\ncolumns: {姓名: name}\nauthority: {name: equal}\n")
                .find("needs `send:`"),
            std::string::npos);
  EXPECT_NE(loadError("list", head + "rows: list\nauthority: {name: equal}\n").find("rows: list"),
            std::string::npos);
  EXPECT_NE(loadError("noauth", head).find("needs an `authority:`"), std::string::npos);
}

// 公安: GBK CSV with CRLF. A name typed otherwise, a hukou elsewhere, a person registered
// dead, one of ours unknown to it, and one of theirs we do not have.
TEST(CrossCheck, HouseholdRegistrationExtract) {
  CheckRun r = check("gongan", kDept + "gongan.csv");
  EXPECT_EQ(r.status, kExitFindings) << r.err;
  EXPECT_EQ(r.lines, (std::vector<std::string>{
                         "disagree name 王志强 431322 王志强|王志刚",
                         "only-ours _person 刘海波 431382 -|",
                         "disagree _status 陈桂兰 431382 -|死亡注销",
                         "disagree hukou_division 周永红 431321 431321|431322",
                         "only-theirs _person 孙小明 431322 -|",
                     }));
  EXPECT_EQ(r.stats.matched, 6u);
  EXPECT_EQ(r.stats.theirs_people, 7u);
  // The rows of theirs each finding came from.
  EXPECT_EQ(r.findings[0].theirs_at, (std::vector<std::string>{"4"}));
  for (const Diagnostic& d : r.diags) ADD_FAILURE() << d.code << " " << d.message;
}

// 人社: xlsx, one row per person and insurance type; it holds pensions only, a terminated
// enrolment counts for nothing, and a person it does not list has none of its types.
TEST(CrossCheck, OneRowPerInsuranceTypeIsOneSet) {
  CheckRun r = check("renshe", kDept + "renshe.xlsx");
  EXPECT_EQ(r.status, kExitFindings) << r.err;
  EXPECT_EQ(r.lines, (std::vector<std::string>{
                         "disagree insurance 李秀英 431321 [4]|-",
                         "disagree insurance 王志强 431322 [3]|[3,4]",
                         "disagree insurance 刘海波 431382 [5]|-",
                     }));
  EXPECT_EQ(r.stats.theirs_rows, 6u);
  EXPECT_EQ(r.stats.theirs_people, 4u);
  EXPECT_EQ(r.findings[1].theirs_at, (std::vector<std::string>{"renshe:4", "renshe:5"}));
}

// 民政: a bare list of names and numbers. Listed means 是, one of ours not listed means 否;
// people on the list who are none of ours are no item.
TEST(CrossCheck, OnTheListMeansYes) {
  CheckRun r = check("minzheng", kDept + "minzheng.csv");
  EXPECT_EQ(r.status, kExitFindings) << r.err;
  EXPECT_EQ(r.lines, (std::vector<std::string>{
                         "disagree dibao 刘海波 431382 false|true",
                         "disagree dibao 周永红 431321 true|false",
                     }));
}

// 不漏一人: a roster's people whom no county collected go to their hukou county.
TEST(CrossCheck, RosterPeopleNobodyCollectedAreNotCollected) {
  CheckRun r = check("junfenqu", kDept + "junfenqu.csv");
  EXPECT_EQ(r.status, kExitFindings) << r.err;
  EXPECT_EQ(r.lines, (std::vector<std::string>{
                         "disagree service_identity 刘海波 431382 3|2",
                         "only-ours _person 周永红 431321 -|",
                         "not-collected _person 吴国庆 431382 -|",
                     }));
  CheckRun base = check("base", kDept + "base.csv");
  EXPECT_EQ(base.lines, (std::vector<std::string>{"not-collected _person 郑卫东 431321 -|"}));
}

TEST(CrossCheck, AgreementIsSilent) {
  // The base list against itself read as ours: every person agrees with themself.
  CheckRun self = check("base", kDept + "base.csv", kDept + "base.csv");
  EXPECT_EQ(self.status, kExitOk) << self.err;
  EXPECT_TRUE(self.lines.empty());
}

TEST(CrossCheck, ItemIdsAreStableAndDistinct) {
  CheckRun a = check("gongan", kDept + "gongan.csv"), b = check("gongan", kDept + "gongan.csv");
  DepartmentProfile p = profile("gongan");
  ASSERT_EQ(a.findings.size(), b.findings.size());
  std::set<std::string> ids;
  for (size_t i = 0; i < a.findings.size(); ++i) {
    EXPECT_EQ(crossFindingId(p, a.findings[i]), crossFindingId(p, b.findings[i]));
    ids.insert(crossFindingId(p, a.findings[i]));
  }
  EXPECT_EQ(ids.size(), a.findings.size());
  // The id does not depend on the values, which change when the county fixes them.
  CrossFinding f = a.findings[0];
  f.ours.text = "王志刚";
  EXPECT_EQ(crossFindingId(p, f), crossFindingId(p, a.findings[0]));
}

TEST(CrossCheck, UnreadableExtractIsTrouble) {
  CheckRun r = check("gongan", kDept + "no-such-file.csv");
  EXPECT_EQ(r.status, kExitTrouble);
  EXPECT_FALSE(r.err.empty());
}

namespace {

std::string writeFile(const std::string& name, const std::string& text) {
  std::string path = ::testing::TempDir() + "crosscheck_test_" + name;
  std::ofstream(path) << text;
  return path;
}

const char kOne[] =
    R"({"category":"12","name":"张建国","gender":"1","id_number":"431321196503120116","hukou_division":"431321","enlist_date":"1983-10-05","discharge_date":"1987-12","dibao":false})"
    "\n";

}  // namespace

// A department keeping service dates to the month agrees with a county that has the day.
TEST(CrossCheck, DatesAgreeAtTheCoarserPrecision) {
  std::string ours = writeFile("dates.jsonl", kOne);
  CheckRun same = check("junfenqu",
                        writeFile("dates-same.csv",
                                  "姓名,身份证号码,入伍年月,退伍年月\n"
                                  "张建国,431321196503120116,1983.10,1987.12\n"),
                        ours);
  EXPECT_EQ(same.status, kExitOk) << same.err;
  EXPECT_TRUE(same.lines.empty());
  CheckRun other = check("junfenqu",
                         writeFile("dates-other.csv",
                                   "姓名,身份证号码,入伍年月,退伍年月\n"
                                   "张建国,431321196503120116,1983.11,1987.12\n"),
                         ours);
  EXPECT_EQ(other.lines,
            (std::vector<std::string>{"disagree enlist_date 张建国 431321 1983-10-05|1983-11"}));
}

// The status column may go by several headers; a 特困供养 row of 民政's file does not put the
// person on the 低保 list.
TEST(CrossCheck, StatusColumnsAndInactiveRows) {
  std::string ours = writeFile("status.jsonl", kOne);
  CheckRun dead =
      check("gongan",
            writeFile("status-gongan.csv",
                      "公民身份号码,姓名,人口状态\n431321196503120116,张建国,死亡注销\n"),
            ours);
  EXPECT_EQ(dead.lines, (std::vector<std::string>{"disagree _status 张建国 431321 -|死亡注销"}));
  CheckRun tekun = check("minzheng",
                         writeFile("status-minzheng.csv",
                                   "姓名,身份证号,保障类型\n张建国,431321196503120116,特困供养\n"),
                         ours);
  EXPECT_EQ(tekun.status, kExitOk) << tekun.err;
  EXPECT_TRUE(tekun.lines.empty());
  CheckRun dibao = check(
      "minzheng",
      writeFile("status-dibao.csv", "姓名,身份证号,保障类型\n张建国,431321196503120116,农村低保\n"),
      ours);
  EXPECT_EQ(dibao.lines, (std::vector<std::string>{"disagree dibao 张建国 431321 false|true"}));
}
