#include "diff/diff.h"
#include "record/value_equivalence.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>

#include "core/exit_status.h"
#include "diff/diff_output.h"
#include "equivalence_cases.h"
#include "record/mask.h"

using namespace vetkit;

namespace {

const Schema& schema() {
  static std::unique_ptr<Schema> s = [] {
    std::string err;
    auto loaded = Schema::load(std::string(VETKIT_SCHEMAS) + "/veteran.yaml", &err);
    if (!loaded) ADD_FAILURE() << err;
    return loaded;
  }();
  return *s;
}

// A record stream in a file of its own (ctest runs tests in parallel).
std::string stream(const std::string& name, const std::string& lines) {
  std::string path = testing::TempDir() + "diff_test_" + name + ".jsonl";
  std::ofstream(path) << lines;
  return path;
}

struct Collect : DiffSink {
  std::vector<DiffEntry> entries;
  DiffStats final;
  void entry(const DiffEntry& e) override { entries.push_back(e); }
  void finish(const DiffStats& s) override { final = s; }
};

struct DiffRun {
  int status = -1;
  Collect sink;
  DiffStats stats;
  std::vector<Diagnostic> diags;
  std::string err;
};

DiffRun diff(const std::string& test, const std::string& old_lines, const std::string& new_lines,
             DiffOptions options = {}) {
  DiffRun r;
  std::string a = stream(test + "_old", old_lines), b = stream(test + "_new", new_lines);
  r.status = diffBatches(
      schema(), a, b, options, &r.sink, [&](const Diagnostic& d) { r.diags.push_back(d); },
      &r.stats, &r.err);
  return r;
}

const char kZhang[] =
    R"({"name":"张建国","gender":"1","id_number":"430102196803051238","political_status":"13","benefit_types":["1","3"],"housing_area":85.5})"
    "\n";
const char kLi[] = R"({"name":"李红","gender":"2","id_number":"430102197005061225"})"
                   "\n";

}  // namespace

TEST(Diff, SameValueIgnoresNoise) {
  const Field& name = *schema().field("name");
  const Field& benefits = *schema().field("benefit_types");
  const Field& area = *schema().field("housing_area");
  const Field& id = *schema().field("id_number");
  auto str = [](std::string s) {
    FieldValue v;
    v.kind = FieldValue::Kind::String;
    v.text = std::move(s);
    return v;
  };
  auto arr = [](std::vector<std::string> items) {
    FieldValue v;
    v.kind = FieldValue::Kind::Array;
    v.items = std::move(items);
    return v;
  };
  FieldValue n1, n2;
  n1.kind = n2.kind = FieldValue::Kind::Number;
  n1.text = "85.5", n2.text = "85.50";
  EXPECT_TRUE(sameValue(name, str("王 五"), str("王五")));
  EXPECT_TRUE(sameValue(name, str("Li  Ming"), str("Li Ming")));
  EXPECT_FALSE(sameValue(name, str("LiMing"), str("Li Ming")));
  EXPECT_FALSE(sameValue(name, str("王五"), str("王六")));
  EXPECT_TRUE(sameValue(benefits, arr({"1", "3"}), arr({"3", "1"})));
  EXPECT_FALSE(sameValue(benefits, arr({"1", "3"}), arr({"1"})));
  EXPECT_TRUE(sameValue(area, n1, n2));
  EXPECT_TRUE(sameValue(id, str("610104620927690"), str("610104196209276908")));
  EXPECT_FALSE(sameValue(name, str("王五"), FieldValue()));
}

TEST(Diff, SameBatchesInAnyOrderAreEqual) {
  DiffRun r = diff("same", std::string(kZhang) + kLi, std::string(kLi) + kZhang);
  EXPECT_EQ(r.status, kExitOk) << r.err;
  EXPECT_TRUE(r.sink.entries.empty());
  EXPECT_EQ(r.stats.unchanged, 2u);
  EXPECT_EQ(r.sink.final.unchanged, 2u);
}

TEST(Diff, AddedRemovedChanged) {
  std::string changed =
      R"({"name":"张建国","gender":"1","id_number":"430102196803051238","political_status":"01","benefit_types":["3","1"],"housing_area":85.5})"
      "\n";
  std::string wu = R"({"name":"吴九","id_number":"431381198211050174"})"
                   "\n";
  DiffRun r = diff("arc", std::string(kZhang) + kLi, wu + changed);
  EXPECT_EQ(r.status, kExitFindings);
  ASSERT_EQ(r.sink.entries.size(), 3u);
  EXPECT_EQ(r.sink.entries[0].op, DiffEntry::Op::Added);
  EXPECT_EQ(r.sink.entries[0].key, "431381198211050174");
  EXPECT_EQ(r.sink.entries[0].name, "吴九");
  const DiffEntry& c = r.sink.entries[1];
  EXPECT_EQ(c.op, DiffEntry::Op::Changed);
  ASSERT_EQ(c.changes.size(), 1u);  // the reordered code set is no change
  EXPECT_EQ(c.changes[0].field->id, "political_status");
  EXPECT_EQ(c.changes[0].old_value.text, "13");
  EXPECT_EQ(c.changes[0].new_value.text, "01");
  EXPECT_EQ(c.old_at.row, 1);
  EXPECT_EQ(c.new_at.row, 2);
  EXPECT_EQ(r.sink.entries[2].op, DiffEntry::Op::Removed);  // removed come last
  EXPECT_EQ(r.sink.entries[2].name, "李红");
  EXPECT_EQ(r.stats.field_changes[schema().field("political_status")->index], 1u);
}

TEST(Diff, FieldBecomingEmptyIsAChange) {
  std::string gone = R"({"name":"李红","id_number":"430102197005061225"})"
                     "\n";
  DiffRun r = diff("emptied", kLi, gone);
  ASSERT_EQ(r.sink.entries.size(), 1u);
  EXPECT_EQ(r.sink.entries[0].changes[0].field->id, "gender");
  EXPECT_FALSE(r.sink.entries[0].changes[0].new_value.present());
}

TEST(Diff, OnlyAndIgnoreChooseTheFields) {
  std::string changed = R"({"name":"李红","gender":"1","id_number":"430102197005061225"})"
                        "\n";
  DiffOptions only;
  only.compared.assign(schema().fields().size(), false);
  only.compared[schema().field("political_status")->index] = true;
  EXPECT_EQ(diff("only", kLi, changed, only).status, kExitOk);
  DiffOptions ignore;
  ignore.compared.assign(schema().fields().size(), true);
  ignore.compared[schema().field("gender")->index] = false;
  EXPECT_EQ(diff("ignore", kLi, changed, ignore).status, kExitOk);
  EXPECT_EQ(diff("all", kLi, changed).status, kExitFindings);
}

TEST(Diff, DuplicatesAreReportedWithBothRowsAndPairedInOrder) {
  std::string li2 = R"({"name":"李红","gender":"1","id_number":"430102197005061225"})"
                    "\n";
  DiffRun r = diff("dup", std::string(kLi) + kZhang + li2, std::string(kLi) + kZhang + kZhang);
  EXPECT_EQ(r.status, kExitFindings);
  ASSERT_EQ(r.diags.size(), 2u);
  EXPECT_EQ(r.diags[0].code, "diff-duplicate-key");
  EXPECT_EQ(r.diags[0].row, 3);
  EXPECT_NE(r.diags[0].message.find(":1"), std::string::npos) << r.diags[0].message;
  EXPECT_EQ(r.diags[0].value, "4301**********1225");  // masked
  EXPECT_EQ(r.diags[1].row, 3);
  EXPECT_NE(r.diags[1].message.find(":2"), std::string::npos) << r.diags[1].message;
  EXPECT_EQ(r.stats.duplicates, 2u);
  // Never collapsed: OLD's second 李红 is removed, NEW's second 张建国 added.
  ASSERT_EQ(r.sink.entries.size(), 2u);
  EXPECT_EQ(r.sink.entries[0].op, DiffEntry::Op::Added);
  EXPECT_EQ(r.sink.entries[0].new_at.row, 3);
  EXPECT_EQ(r.sink.entries[1].op, DiffEntry::Op::Removed);
  EXPECT_EQ(r.sink.entries[1].old_at.row, 3);
}

TEST(Diff, KeyFieldsPairOtherwise) {
  // The same person under a corrected identity number: by name and birth date, a change.
  std::string a = R"({"name":"王五","birth_date":"1965-10-01","id_number":"431321196510010011"})"
                  "\n";
  std::string b = R"({"name":"王五","birth_date":"1965-10-01","id_number":"431321196510010020"})"
                  "\n";
  DiffOptions by_name;
  by_name.key = {schema().field("name"), schema().field("birth_date")};
  DiffRun r = diff("key", a, b, by_name);
  ASSERT_EQ(r.sink.entries.size(), 1u);
  EXPECT_EQ(r.sink.entries[0].op, DiffEntry::Op::Changed);
  EXPECT_EQ(r.sink.entries[0].key,
            "王五\x1f"
            "1965-10-01");
  EXPECT_EQ(r.sink.entries[0].changes[0].field->id, "id_number");
  EXPECT_EQ(diff("idkey", a, b).sink.entries.size(), 2u);  // by number: one added, one removed
}

TEST(Diff, RecordsWithoutKeyAreReported) {
  DiffRun r = diff("keyless", std::string(kLi) + R"({"name":"无号"})" + "\n", kLi);
  EXPECT_EQ(r.status, kExitFindings);
  EXPECT_EQ(r.stats.keyless, 1u);
  ASSERT_EQ(r.diags.size(), 1u);
  EXPECT_EQ(r.diags[0].code, "diff-no-key");
}

TEST(Diff, TextKeysThatAreNotNumbers) {
  // Values the importer keeps verbatim are keys too, compared as text.
  std::string a = R"({"name":"甲","id_number":"4.30102E+17"})"
                  "\n";
  DiffRun r = diff("sci", a, a);
  EXPECT_EQ(r.status, kExitOk);
  EXPECT_EQ(r.stats.unchanged, 1u);
}

TEST(Diff, UnreadableInputIsTrouble) {
  DiffRun r;
  std::string a = stream("unreadable", kLi);
  r.status = diffBatches(schema(), a, "/nonexistent/new.jsonl", {}, &r.sink, {}, &r.stats, &r.err);
  EXPECT_EQ(r.status, kExitTrouble);
  EXPECT_FALSE(r.err.empty());
  EXPECT_EQ(diff("badline", kLi, std::string(kLi) + "not json\n").status, kExitTrouble);
}

TEST(DiffOutput, TextShowsLabelsAndMasks) {
  DiffEntry e;
  e.key = "430102196803051238";
  e.name = "张建国";
  FieldValue a, b;
  a.kind = b.kind = FieldValue::Kind::String;
  a.text = "13", b.text = "01";
  e.changes.push_back({schema().field("political_status"), a, b});
  std::string out;
  LineCallback capture([&](std::string_view l) { out += std::string(l) + "\n"; });
  DiffOutputOptions o;
  auto w = makeDiffWriter(schema(), o, &capture);
  w->entry(e);
  EXPECT_EQ(out, "~ 4301**********1238 张建国: 政治面貌: 群众 → 中共党员\n");
  out.clear();
  o.lang = Lang::En;
  o.mask = false;
  w = makeDiffWriter(schema(), o, &capture);
  w->entry(e);
  EXPECT_EQ(out, "~ 430102196803051238 张建国: political_status: 群众 → 中共党员\n");
}

TEST(DiffOutput, JsonAndCsv) {
  DiffEntry e;
  e.key = "430102196803051238";
  e.name = "张建国";
  e.old_at = {"a.csv", "", 2};
  e.new_at = {"b.csv", "", 5};
  FieldValue a, b;
  a.kind = FieldValue::Kind::String;
  a.text = "13807381234";
  e.changes.push_back({schema().field("phone"), a, b});
  std::string out;
  LineCallback capture([&](std::string_view l) { out += std::string(l) + "\n"; });
  DiffOutputOptions o;
  o.format = DiffFormat::Json;
  makeDiffWriter(schema(), o, &capture)->entry(e);
  EXPECT_EQ(
      out,
      R"({"op":"changed","key":"4301**********1238","name":"张建国","old_at":"a.csv:2","new_at":"b.csv:5","changes":[{"field":"phone","old":"138****1234","new":null}]})"
      "\n");
  out.clear();
  o.format = DiffFormat::Csv;
  o.mask = false;
  makeDiffWriter(schema(), o, &capture)->entry(e);
  EXPECT_EQ(out,
            "\xEF\xBB\xBF关键字,字段,原值,新值\n'430102196803051238,联系电话,13807381234,（空）\n");
}

TEST(DiffOutput, DisplayValue) {
  FieldValue v;
  v.kind = FieldValue::Kind::Array;
  v.items = {"1", "3", "火星"};
  EXPECT_EQ(displayValue(schema(), *schema().field("benefit_types"), v, Lang::Zh, true),
            "伤残抚恤、定期生活补助、火星");
  FieldValue d;
  d.kind = FieldValue::Kind::String;
  d.text = "431321";
  EXPECT_EQ(displayValue(schema(), *schema().field("hukou_division"), d, Lang::Zh, true), "双峰县");
  FieldValue y;
  y.kind = FieldValue::Kind::Bool;
  y.boolean = true;
  EXPECT_EQ(displayValue(schema(), *schema().field("dibao"), y, Lang::En, true), "yes");
  EXPECT_EQ(displayKey("王五\x1f"
                       "13807381234",
                       {schema().field("name"), schema().field("phone")}, true),
            "王五,138****1234");
}

// The shared table of equivalences (equivalence_cases.h): what a merge takes for one value is
// no change to the diff, and what it reports as a conflict is a change.
TEST(Diff, EquivalenceCasesSharedWithMerge) {
  int n = 0;
  for (const vetkit_test::EquivalenceCase& c : vetkit_test::kEquivalenceCases) {
    SCOPED_TRACE(std::string(c.field) + ": " + c.a + " / " + c.b);
    auto line = [&](const char* v) {
      return std::string(R"({"id_number":"430102196803051238",")") + c.field + "\":" + v + "}\n";
    };
    DiffRun r = diff("equivalence" + std::to_string(n++), line(c.a), line(c.b));
    EXPECT_EQ(r.status, c.same ? kExitOk : kExitFindings) << r.err;
    EXPECT_EQ(r.sink.entries.size(), c.same ? 0u : 1u);
  }
}

TEST(Diff, UnknownColumnsAreComparedByTheirHeader) {
  // _extra holds the columns the schema does not know: a change there is a change, paired by
  // header text whatever the order; a column only one side has is a change to or from empty.
  const char kOld[] =
      R"({"name":"张建国","id_number":"430102196803051238","_extra":{"备注":"已走访","籍贯":"湖南"}})"
      "\n";
  const char kNew[] =
      R"({"name":"张建国","id_number":"430102196803051238","_extra":{"籍贯":"湖南","备注":"未走访","家属电话":"13807381234"}})"
      "\n";
  DiffRun r = diff("extra", kOld, kNew);
  EXPECT_EQ(r.status, kExitFindings);
  ASSERT_EQ(r.sink.entries.size(), 1u);
  const auto& ch = r.sink.entries[0].changes;
  ASSERT_EQ(ch.size(), 2u);
  EXPECT_EQ(ch[0].field, nullptr);
  EXPECT_EQ(ch[0].column, "备注");
  EXPECT_EQ(ch[0].old_value.text, "已走访");
  EXPECT_EQ(ch[0].new_value.text, "未走访");
  EXPECT_EQ(ch[1].column, "家属电话");
  EXPECT_FALSE(ch[1].old_value.present());
  ASSERT_EQ(r.stats.extra_changes.size(), 2u);
  EXPECT_EQ(r.stats.extra_changes[0], (std::pair<std::string, size_t>{"备注", 1}));
  // The same columns in another order: no change.
  EXPECT_EQ(
      diff(
          "extra_same", kOld,
          R"({"name":"张建国","id_number":"430102196803051238","_extra":{"籍贯":"湖南","备注":"已走访"}})"
          "\n")
          .status,
      kExitOk);
  // --only compares the fields named, and nothing else.
  DiffOptions only;
  only.compared.assign(schema().fields().size(), false);
  only.compared[schema().field("name")->index] = true;
  only.extras = false;
  EXPECT_EQ(diff("extra_only", kOld, kNew, only).status, kExitOk);

  // Every output names the column by its header; numbers in it are masked.
  std::string out;
  LineCallback capture([&](std::string_view l) { out += std::string(l) + "\n"; });
  DiffOutputOptions o;
  auto text = makeDiffWriter(schema(), o, &capture);
  text->entry(r.sink.entries[0]);
  EXPECT_EQ(out,
            "~ 4301**********1238 张建国: 备注（表外列）: 已走访 → 未走访\n"
            "~ 4301**********1238 张建国: 家属电话（表外列）: （空） → 138****1234\n");
  out.clear();
  o.format = DiffFormat::Json;
  makeDiffWriter(schema(), o, &capture)->entry(r.sink.entries[0]);
  EXPECT_NE(out.find(R"({"field":"_extra","column":"备注","old":"已走访","new":"未走访"})"),
            std::string::npos)
      << out;
  EXPECT_NE(out.find(R"("column":"家属电话","old":null,"new":"138****1234")"), std::string::npos)
      << out;
  out.clear();
  o.format = DiffFormat::Csv;
  o.lang = Lang::En;
  makeDiffWriter(schema(), o, &capture)->entry(r.sink.entries[0]);
  EXPECT_NE(out.find("备注 (unknown column),已走访,未走访"), std::string::npos) << out;
  out.clear();
  o.format = DiffFormat::Html;
  auto html = makeDiffWriter(schema(), o, &capture);
  html->entry(r.sink.entries[0]);
  html->finish(r.stats);
  EXPECT_NE(out.find("备注 (unknown column)"), std::string::npos) << out;
  out.clear();
  o.format = DiffFormat::Json;
  o.stat = true;
  makeDiffWriter(schema(), o, &capture)->finish(r.stats);
  EXPECT_NE(out.find(R"("extra":{"备注":1,"家属电话":1})"), std::string::npos) << out;
}
