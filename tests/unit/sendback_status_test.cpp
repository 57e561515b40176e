// The send-back loop's bookkeeping (issue 16, item 4): what a round files per county — a
// department item of a person collected in another county in both packages, naming the owner;
// a person left out of a re-submission to be collected — and how --sendback-status counts
// closed, answered, open and new items against the store's log.
#include <gtest/gtest.h>

#include "record/record_reader.h"
#include "report/sendback.h"
#include "report/sendback_status.h"
#include "test_schema.h"

using namespace vetkit;
using vetkit::testing::schema;

namespace {

SendbackLogItem logged(const char* id, const char* county) {
  SendbackLogItem it;
  it.id = id, it.county = county;
  return it;
}

Record parse(const std::string& line) {
  RecordReader reader(schema());
  Record r;
  std::string why;
  EXPECT_TRUE(reader.parse(line, &r, &why)) << why;
  return r;
}

}  // namespace

TEST(SendbackStatus, ACrossCountyItemClosesForBothWhenEitherFixesIt) {
  SendbackHistory h;
  h.rounds = {{1, "2026-11-29 09:30", "out"}};
  for (const char* county : {"431321", "431322"}) h.items.emplace_back(1, logged("Xcross", county));
  h.items.emplace_back(1, logged("Vfixed", "431321"));
  h.items.emplace_back(1, logged("Vanswered", "431321"));
  h.items.emplace_back(1, logged("Vopen", "431322"));
  h.replies = {{"Vanswered", "431321", "核实无误", "", "", 4}, {"Vopen", "431321", "x", "", "", 4}};
  // Today: the cross item and the fixed one are gone; a new item for 431322.
  std::vector<SendbackLogItem> now = {logged("Vanswered", "431321"), logged("Vopen", "431322"),
                                      logged("Anew", "431322")};
  std::vector<SendbackStatusRow> rows = sendbackStatus(h, now);
  ASSERT_EQ(rows.size(), 2u);
  auto counts = [](const SendbackStatusRow& r) {
    return r.county + " " + std::to_string(r.sent) + " " + std::to_string(r.closed) + " " +
           std::to_string(r.answered) + " " + std::to_string(r.open) + " " +
           std::to_string(r.fresh);
  };
  EXPECT_EQ(counts(rows[0]), "431321 3 2 1 0 0");
  // A reply of another county does not answer 431322's item.
  EXPECT_EQ(counts(rows[1]), "431322 2 1 0 1 1");
  ReportTable t = sendbackStatusTable(rows, schema(), Lang::Zh);
  EXPECT_EQ(t.rows.size(), 2u);
  EXPECT_EQ(t.columns.size(), 8u);
  std::string json;
  writeSendbackStatusJson(rows, schema(), Lang::En, &json);
  EXPECT_NE(json.find("\"county\":\"431322\",\"name\":"), std::string::npos) << json;
  EXPECT_NE(json.find("\"sent\":2,\"closed\":1,\"answered\":0,\"open\":1,\"new\":1"),
            std::string::npos)
      << json;
}

TEST(Sendback, ADepartmentItemOfAPersonCollectedElsewhereGoesToBothCounties) {
  Sendback s(schema(), {});
  CrossItem c;
  c.id = "X0123456789abcde", c.dept = "gongan", c.department = "公安";
  c.key = "4313**********0717", c.name = "周永红", c.field = "hukou_division";
  c.kind = "disagree", c.ours = "431321", c.theirs = "431322";
  c.hukou_division = "431321", c.unit = "431322", c.county = "431321";
  s.addCross(c);
  s.add(parse(R"({"name":"周永红","id_number":"431321196907070717","hukou_division":"431321",)"
              R"("unit":"431322","_src":"a.jsonl","_row":7})"),
        {});
  std::vector<SendbackLogItem> items = s.logItems();
  ASSERT_EQ(items.size(), 2u);
  for (const SendbackLogItem& it : items) {
    EXPECT_EQ(it.kind, "cross");
    EXPECT_TRUE(it.cross_county);
    EXPECT_EQ(it.owner, "431321");
    EXPECT_EQ(it.key, "431321196907070717");  // learnt from the record: the store's key
    EXPECT_EQ(it.shown_key, "4313**********0717");
  }
  EXPECT_EQ(items[0].county, "431321");
  EXPECT_EQ(items[1].county, "431322");
}

TEST(Sendback, APersonLeftOutOfAReSubmissionIsToBeCollected) {
  Sendback s(schema(), {});
  s.add(parse(R"({"name":"赵德明","id_number":"431322194809200415","hukou_division":"431322",)"
              R"("unit":"431322","_src":"a.jsonl","_row":4,"_absent_from":5})"),
        {});
  s.add(parse(R"({"name":"王志强","id_number":"431322195801010312","hukou_division":"431322",)"
              R"("unit":"431322","_src":"a.jsonl","_row":3})"),
        {});
  ASSERT_EQ(s.packages().count("431322"), 1u);
  const SendbackPackage& p = s.packages().at("431322");
  ASSERT_EQ(p.to_collect.size(), 1u);
  EXPECT_EQ(p.to_collect[0].name, "赵德明");
  EXPECT_EQ(p.to_collect[0].rule, "absent");
  EXPECT_NE(p.to_collect[0].message.find("重新报送未列出"), std::string::npos);
  EXPECT_EQ(p.people, 1u);
}

// A reply answers the round whose package it came back in (and earlier ones it still holds):
// the item sent again in a later round is open there until the county answers again.
TEST(SendbackStatus, AReplyAnswersItsRoundAndEarlierNeverALaterOne) {
  SendbackHistory h;
  h.rounds = {{1, "2026-11-29 09:30", "out"}, {2, "2026-12-06 09:30", "out"}};
  for (int64_t round : {1, 2}) {
    h.items.emplace_back(round, logged("Vfirst", "431321"));
    h.items.emplace_back(round, logged("Vsecond", "431321"));
    h.items.emplace_back(round, logged("Vold", "431321"));
  }
  h.replies = {{"Vfirst", "431321", "已更正", "", "", 4, 1},
               {"Vsecond", "431321", "已更正", "", "", 5, 2},
               {"Vold", "431321", "核实无误", "", "", 3, 0}};  // round not recorded
  std::vector<SendbackLogItem> now = {logged("Vfirst", "431321"), logged("Vsecond", "431321"),
                                      logged("Vold", "431321")};
  std::vector<SendbackStatusRow> rows = sendbackStatus(h, now);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].answered, 3u);  // round 1: all three answered
  EXPECT_EQ(rows[0].open, 0u);
  EXPECT_EQ(rows[1].answered, 2u);  // round 2: Vfirst's reply was to round 1
  EXPECT_EQ(rows[1].open, 1u);
}

// Two counties list one person: their sheets' collection date, collector and unit differ by
// nature and are no conflict about the person; each county's package holds one row saying
// that both list the person, where its own sheet has them (issue 16 follow-up).
TEST(Sendback, APersonListedByTwoCountiesIsOneRowInEachPackage) {
  Sendback s(schema(), {});
  auto conflict = [](const char* field, const char* a, const char* b) {
    MergeConflict c;
    c.key = "431321196907070717", c.name = "周永红", c.field = field, c.rule = "flag";
    c.values = {{a, "双峰县.xlsx", "花名册", "431321", "K", 7},
                {b, "新化县.xlsx", "花名册", "431322", "", 4}};
    return c;
  };
  s.addConflict(conflict("unit", "431321", "431322"));
  s.addConflict(conflict("collected_at", "2026-11-01", "2026-11-05"));
  s.addConflict(conflict("collector", "罗丽", "彭军"));
  s.addConflict(conflict("category", "17", "18"));
  ASSERT_EQ(s.packages().size(), 2u);
  for (const auto& [county, p] : s.packages()) {
    ASSERT_EQ(p.cross.size(), 3u) << county;  // the unit once, the category's two values
    const SendbackItem& listed = p.cross[0];
    EXPECT_EQ(listed.rule, "unit-conflict");
    EXPECT_EQ(listed.file, county == "431321" ? "双峰县.xlsx" : "新化县.xlsx");
    EXPECT_EQ(listed.row, county == "431321" ? 7 : 4);
    EXPECT_EQ(listed.column, county == "431321" ? "K" : "");
    EXPECT_NE(listed.message.find("双峰县、新化县"), std::string::npos) << listed.message;
    EXPECT_EQ(p.cross[1].field, "category");
    EXPECT_EQ(p.cross[2].field, "category");
  }
}
