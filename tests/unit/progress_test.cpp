// The progress line: its text in both languages, its pace, and its fit on a narrow terminal,
// with the time given by the test instead of a clock.
#include "cli/progress.h"

#include <gtest/gtest.h>

#include "text/utf8.h"

namespace vetkit {
namespace {

const Messages& messages() {
  static const Messages m = [] {
    Messages loaded;
    std::string err;
    if (!loaded.load(std::string(VETKIT_SCHEMAS) + "/messages.yaml", &err)) ADD_FAILURE() << err;
    return loaded;
  }();
  return m;
}

ReadProgress::Snapshot snapshot(std::string name, uint64_t rows, uint64_t bytes, uint64_t total) {
  ReadProgress::Snapshot s;
  s.name = std::move(name);
  s.rows = rows;
  s.bytes = bytes;
  s.total = total;
  return s;
}

TEST(Progress, GroupsThousands) {
  EXPECT_EQ(groupThousands(0), "0");
  EXPECT_EQ(groupThousands(999), "999");
  EXPECT_EQ(groupThousands(1000), "1,000");
  EXPECT_EQ(groupThousands(412000), "412,000");
  EXPECT_EQ(groupThousands(1234567890), "1,234,567,890");
}

TEST(Progress, LineInChineseAndEnglish) {
  auto s = snapshot("娄星区.xlsx", 412000, 48, 100);
  EXPECT_EQ(ProgressMeter("vetimport", messages(), Lang::Zh).line(s, 2.0),
            "vetimport: 娄星区.xlsx  412,000 行  206,000 行/秒  48%");
  EXPECT_EQ(ProgressMeter("vetimport", messages(), Lang::En).line(s, 2.0),
            "vetimport: 娄星区.xlsx  412,000 rows  206,000 rows/s  48%");
}

TEST(Progress, NoPercentWhenTheSizeIsUnknown) {
  auto s = snapshot("-", 1500, 1 << 20, 0);
  EXPECT_EQ(ProgressMeter("vetvalidate", messages(), Lang::En).line(s, 0.5),
            "vetvalidate: -  1,500 rows  3,000 rows/s");
}

TEST(Progress, PercentNeverPastHundred) {
  // A file that grew while it was read.
  auto s = snapshot("a.csv", 10, 300, 200);
  EXPECT_EQ(ProgressMeter("vetimport", messages(), Lang::En).line(s, 1.0),
            "vetimport: a.csv  10 rows  10 rows/s  100%");
}

TEST(Progress, DrawsAfterHalfASecondAtMostFourTimesASecond) {
  ProgressMeter meter("vetimport", messages(), Lang::En);
  auto s = snapshot("a.csv", 100, 1, 2);
  EXPECT_FALSE(meter.tick(s, 0.0));
  EXPECT_FALSE(meter.tick(s, 0.25));  // a short run shows nothing
  auto first = meter.tick(s, 0.5);
  ASSERT_TRUE(first);
  EXPECT_EQ(*first, "vetimport: a.csv  100 rows  200 rows/s  50%");
  EXPECT_FALSE(meter.tick(s, 0.6));
  EXPECT_FALSE(meter.tick(s, 0.74));
  auto second = meter.tick(s, 0.75);
  ASSERT_TRUE(second);
  EXPECT_EQ(*second, "vetimport: a.csv  100 rows  133 rows/s  50%");
}

TEST(Progress, NothingBeforeAnInputIsOpened) {
  ProgressMeter meter("vetmerge", messages(), Lang::En);
  EXPECT_FALSE(meter.tick(snapshot("", 0, 0, 0), 3.0));
}

TEST(Progress, ClearsForAPipeFromAnotherTool) {
  // `vetimport x.xlsx | vetvalidate`: vetimport draws; vetvalidate keeps the line clear.
  ProgressMeter meter("vetvalidate", messages(), Lang::En);
  auto s = snapshot("-", 100, 10, 0);
  s.piped = true;
  auto text = meter.tick(s, 1.0);
  ASSERT_TRUE(text);
  EXPECT_EQ(*text, "");
}

TEST(Progress, FitsANarrowTerminalByShorteningTheName) {
  ProgressMeter meter("vetimport", messages(), Lang::Zh);
  auto s = snapshot("双峰县退役军人信息采集表-2026年11月-第二批.xlsx", 412000, 48, 100);
  std::string line = meter.line(s, 2.0, 60);
  EXPECT_LT(displayWidth(line), 60u);
  EXPECT_NE(line.find("双峰县"), std::string::npos);
  EXPECT_NE(line.find("…"), std::string::npos);
  EXPECT_TRUE(line.ends_with("206,000 行/秒  48%")) << line;
  // Narrower than the numbers themselves: cut, still within the width.
  EXPECT_LT(displayWidth(meter.line(s, 2.0, 20)), 20u);
}

TEST(Progress, ReadProgressCountsWhatReadersTell) {
  ReadProgress p;
  p.beginInput(std::string(VETKIT_SCHEMAS) + "/messages.yaml", -1);
  p.addBytes(100);
  p.addRows(7);
  p.addRows(3);
  auto s = p.snapshot();
  EXPECT_EQ(s.name, "messages.yaml");
  EXPECT_EQ(s.bytes, 100u);
  EXPECT_GT(s.total, 100u);
  EXPECT_EQ(s.rows, 10u);
  EXPECT_FALSE(s.piped);
  // A new input starts its bytes afresh; rows go on counting across inputs.
  p.beginInput("/dev/null", -1);
  s = p.snapshot();
  EXPECT_EQ(s.name, "null");
  EXPECT_EQ(s.bytes, 0u);
  EXPECT_EQ(s.total, 0u);
  EXPECT_EQ(s.rows, 10u);
}

}  // namespace
}  // namespace vetkit
