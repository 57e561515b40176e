// Hostile input in the readers: where the first undecodable byte of a CSV is (offset and line,
// wherever chunks are cut and whether the file can be read again), and a record stream line
// too long to hold, skipped and reported.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <thread>

#include "core/limits.h"
#include "io/csv_reader.h"
#include "record/record_reader.h"
#include "test_schema.h"
#include "text/encoding.h"

namespace vetkit {
namespace {

std::string tempPath(const std::string& name) {
  return ::testing::TempDir() + "/hostile_input_test_" + std::to_string(::getpid()) + "_" + name;
}

void writeFile(const std::string& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary) << bytes;
}

std::string arg(const ReadWarning& w, const std::string& name) {
  for (const auto& [k, v] : w.args)
    if (k == name) return v;
  return "";
}

// The encoding warning of reading `path` whole.
ReadWarning readWarning(const std::string& path, TextEncoding encoding) {
  CsvOptions options;
  options.encoding = encoding;
  std::string err;
  auto wb = openCsv(path, options, &err);
  EXPECT_TRUE(wb) << err;
  if (!wb) return {};
  EXPECT_TRUE(wb->readSheet(
      0, [](const Row&) { return true; }, &err))
      << err;
  EXPECT_EQ(wb->warnings.size(), 1u);
  return wb->warnings.empty() ? ReadWarning{} : wb->warnings[0];
}

TEST(Gb18030Decoder, LocatesTheFirstInvalidByteAcrossChunks) {
  // 张 is D5 C5; 0x81 0x20 is a lead byte without its trail.
  std::string text = "ab\xD5\xC5\n\xD5\xC5\x81 x";
  for (size_t cut = 0; cut <= text.size(); ++cut) {
    Gb18030Decoder d;
    std::string out;
    d.decode(std::string_view(text).substr(0, cut), &out, false);
    d.decode(std::string_view(text).substr(cut), &out, true);
    EXPECT_EQ(d.invalidCount(), 1u) << cut;
    EXPECT_EQ(d.firstInvalidOffset(), 7u) << cut;
  }
}

TEST(Gb18030Decoder, LocatesAnIncompleteTail) {
  Gb18030Decoder d;
  std::string out;
  d.decode("abc\xD5", &out, false);
  d.decode("", &out, true);
  EXPECT_EQ(d.invalidCount(), 1u);
  EXPECT_EQ(d.firstInvalidOffset(), 3u);
}

TEST(Utf8, FirstInvalidByte) {
  EXPECT_EQ(firstInvalidUtf8("abc"), std::string_view::npos);
  EXPECT_EQ(firstInvalidUtf8("张三\xEF\xBF\xBD"), std::string_view::npos);  // U+FFFD as text
  EXPECT_EQ(firstInvalidUtf8("张\xFF三"), 3u);
  EXPECT_EQ(firstInvalidUtf8("a\xC0\xAF"), 1u);   // overlong
  EXPECT_EQ(firstInvalidUtf8("ab\xE5\xA7"), 2u);  // cut short
}

// A CSV of many lines with one bad byte after the first 1 MiB chunk: found at its offset and
// line, read from a file (counted again afterwards) or from a pipe (counted as read).
struct BigCsv {
  std::string bytes;
  uint64_t bad_offset = 0;  // 1-based
  size_t bad_line = 0;
};

BigCsv bigCsv(const std::string& bad) {
  BigCsv c;
  c.bytes = "\xEF\xBB\xBF姓名,公民身份号码\n";
  size_t lines = 1;
  while (c.bytes.size() < (size_t(3) << 19) - 7) {  // about 1.5 MiB
    c.bytes += "张三,430102197803051234\n";
    ++lines;
  }
  c.bytes += "李";
  c.bad_offset = c.bytes.size() + 1;
  c.bad_line = lines + 1;
  c.bytes += bad + "四,430102197803051234\n" + bad + "\n";
  return c;
}

TEST(CsvEncoding, WarningSaysWhereTheFirstInvalidUtf8ByteIs) {
  BigCsv c = bigCsv("\xFF");
  std::string path = tempPath("bad-utf8.csv");
  writeFile(path, c.bytes);
  ReadWarning w = readWarning(path, TextEncoding::Auto);
  EXPECT_EQ(w.code, "encoding");
  EXPECT_EQ(arg(w, "encoding"), "UTF-8");
  EXPECT_EQ(arg(w, "count"), "2");
  EXPECT_EQ(arg(w, "offset"), std::to_string(c.bad_offset));
  EXPECT_EQ(arg(w, "line"), std::to_string(c.bad_line));
  std::remove(path.c_str());
}

TEST(CsvEncoding, SequenceCutAtTheChunkEnd) {
  // The bad sequence (a lead byte and a wrong continuation) straddles the 1 MiB chunk end.
  std::string bytes = "姓名,公民身份号码\n";
  while (bytes.size() < (size_t(1) << 20) - 1 - 4) bytes += bytes.size() % 50 ? "x" : "\n";
  bytes += "\n张";
  uint64_t offset = bytes.size() + 1;
  size_t line = size_t(std::count(bytes.begin(), bytes.end(), '\n')) + 1;
  bytes += "\xE5(,1\n";
  ASSERT_EQ(offset, (size_t(1) << 20));  // the lead byte is the first chunk's last
  std::string path = tempPath("cut.csv");
  writeFile(path, bytes);
  ReadWarning w = readWarning(path, TextEncoding::Utf8);
  EXPECT_EQ(arg(w, "count"), "1");
  EXPECT_EQ(arg(w, "offset"), std::to_string(offset));
  EXPECT_EQ(arg(w, "line"), std::to_string(line));
  std::remove(path.c_str());
}

TEST(CsvEncoding, WarningSaysWhereTheFirstInvalidGb18030ByteIs) {
  BigCsv c = bigCsv("\x81 ");
  // As GBK: the same text, its Chinese in two-byte GB18030.
  std::string gbk;
  for (size_t i = 0; i < c.bytes.size();) {
    std::string_view rest = std::string_view(c.bytes).substr(i);
    auto take = [&](std::string_view utf8, std::string_view gb) {
      if (!rest.starts_with(utf8)) return false;
      gbk += gb;
      i += utf8.size();
      return true;
    };
    if (take("\xEF\xBB\xBF", "") || take("姓", "\xD0\xD5") || take("名", "\xC3\xFB") ||
        take("公", "\xB9\xAB") || take("民", "\xC3\xF1") || take("身", "\xC9\xED") ||
        take("份", "\xB7\xDD") || take("号", "\xBA\xC5") || take("码", "\xC2\xEB") ||
        take("张", "\xD5\xC5") || take("三", "\xC8\xFD") || take("李", "\xC0\xEE") ||
        take("四", "\xCB\xC4"))
      continue;
    gbk += c.bytes[i++];
  }
  size_t bad = gbk.find("\x81 ");
  ASSERT_NE(bad, std::string::npos);
  std::string path = tempPath("bad-gbk.csv");
  writeFile(path, gbk);
  ReadWarning w = readWarning(path, TextEncoding::Gb18030);
  EXPECT_EQ(arg(w, "encoding"), "GB18030");
  EXPECT_EQ(arg(w, "count"), "2");
  EXPECT_EQ(arg(w, "offset"), std::to_string(bad + 1));
  EXPECT_EQ(arg(w, "line"), std::to_string(c.bad_line));
  std::remove(path.c_str());
}

TEST(CsvEncoding, FromAPipeTheLineIsCountedAsRead) {
  BigCsv c = bigCsv("\xFF");
  std::string path = tempPath("pipe");
  ASSERT_EQ(::mkfifo(path.c_str(), 0600), 0);
  std::thread writer([&] { writeFile(path, c.bytes); });
  ReadWarning w = readWarning(path, TextEncoding::Auto);
  writer.join();
  EXPECT_EQ(arg(w, "offset"), std::to_string(c.bad_offset));
  EXPECT_EQ(arg(w, "line"), std::to_string(c.bad_line));
  std::remove(path.c_str());
}

TEST(RecordReader, SkipsALineLongerThanTheLimit) {
  std::string path = tempPath("long.jsonl");
  {
    std::ofstream out(path, std::ios::binary);
    out << "{\"name\":\"张三\"}\n{\"name\":\"";
    std::string block(1 << 20, 'a');
    for (size_t i = 0; i < (kMaxLineBytes >> 20) + 2; ++i) out << block;
    out << "\"}\n{\"name\":\"李四\"}\n{\"name\":\"" << block << "\"}\n";
  }
  RecordReader reader(testing::schema());
  std::vector<size_t> good;
  std::vector<std::pair<size_t, std::string>> bad;
  std::string err;
  ASSERT_TRUE(reader.readFile(
      path,
      [&](Record& r) {
        good.push_back(r.line_number);
        return true;
      },
      [&](size_t line, const std::string& why) { bad.emplace_back(line, why); }, &err))
      << err;
  EXPECT_EQ(good, (std::vector<size_t>{1, 3, 4}));  // a 1 MiB line is fine
  ASSERT_EQ(bad.size(), 1u);
  EXPECT_EQ(bad[0].first, 2u);
  EXPECT_EQ(bad[0].second, "longer than 16 MiB, the limit of a line; skipped");
  std::remove(path.c_str());
}

TEST(RecordReader, SkipsAnUnterminatedLongLastLine) {
  std::string path = tempPath("long-last.jsonl");
  {
    std::ofstream out(path, std::ios::binary);
    out << "{\"name\":\"张三\"}\n";
    std::string block(1 << 20, 'a');
    for (size_t i = 0; i < (kMaxLineBytes >> 20) + 1; ++i) out << block;
  }
  RecordReader reader(testing::schema());
  size_t records = 0;
  std::vector<size_t> bad;
  std::string err;
  ASSERT_TRUE(reader.readFile(
      path, [&](Record&) { return ++records, true; },
      [&](size_t line, const std::string&) { bad.push_back(line); }, &err));
  EXPECT_EQ(records, 1u);
  EXPECT_EQ(bad, (std::vector<size_t>{2}));
  std::remove(path.c_str());
}

TEST(RecordReader, DeepNestingIsALineLikeAnyOther) {
  // simdjson's depth limit (1024) never comes into play: the reader does not descend into a
  // value below a field, it only asks its type. Deep values are read as values of the wrong
  // type (reported by the validator), or passed on under a key it does not know; a line that
  // is not a well-formed object is a bad line. Nothing recurses, nothing crashes.
  auto nest = [](const std::string& open, const std::string& inner, const std::string& close,
                 int depth) {
    std::string s;
    for (int i = 0; i < depth; ++i) s += open;
    s += inner;
    for (int i = 0; i < depth; ++i) s += close;
    return s;
  };
  std::vector<std::string> lines = {
      "{\"name\":\"甲\"}",                                       // 1: a record
      "{\"name\":" + nest("{\"a\":", "1", "}", 5000) + "}",      // 2: a value of the wrong type
      "{\"_extra\":" + nest("[", "", "]", 100000) + "}",         // 3: a key passed on
      nest("[", "", "]", 3000),                                  // 4: not an object
      "{\"benefit_types\":[" + nest("[", "", "]", 2000) + "]}",  // 5: a member not a code
      "{\"name\":" + nest("[", "", "", 2000) + "}",              // 6: not closed
      "{\"name\":\"乙\"}",                                       // 7: a record
  };
  std::string text;
  for (const std::string& line : lines) text += line + "\n";
  std::string path = tempPath("deep.jsonl");
  writeFile(path, text);
  RecordReader reader(testing::schema());
  std::vector<size_t> good, bad;
  std::string err;
  ASSERT_TRUE(reader.readFile(
      path, [&](Record& r) { return good.push_back(r.line_number), true; },
      [&](size_t line, const std::string&) { bad.push_back(line); }, &err));
  EXPECT_EQ(good, (std::vector<size_t>{1, 2, 3, 5, 7}));
  EXPECT_EQ(bad, (std::vector<size_t>{4, 6}));
  std::remove(path.c_str());
}

}  // namespace
}  // namespace vetkit
