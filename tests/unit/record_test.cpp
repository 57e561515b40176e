// Reading the record stream back: values by field, provenance, `_columns` carried forward.
#include <gtest/gtest.h>

#include "test_schema.h"

#include <fstream>

#include "record/json_writer.h"
#include "record/key_repeats.h"
#include "record/mask.h"
#include "record/record_reader.h"
#include "record/value_equivalence.h"
#include "text/id_number.h"

using namespace vetkit;

namespace {
using vetkit::testing::schema;
size_t idx(const char* id) {
  return schema().field(id)->index;
}
}  // namespace

TEST(JsonWriter, EscapesAndNumbers) {
  std::string out;
  JsonWriter w(&out);
  w.beginObject();
  w.key("a\"b");
  w.string("x\ny\t\x01\\");
  w.key("n");
  w.number("1.5");
  w.key("l");
  w.beginArray();
  w.string("1");
  w.boolean(true);
  w.null();
  w.endArray();
  w.endObject();
  EXPECT_EQ(out, "{\"a\\\"b\":\"x\\ny\\t\\u0001\\\\\",\"n\":1.5,\"l\":[\"1\",true,null]}");
  EXPECT_TRUE(isJsonNumber("-0.5e10"));
  EXPECT_FALSE(isJsonNumber("085"));
  EXPECT_FALSE(isJsonNumber("1."));
  EXPECT_FALSE(isJsonNumber("+1"));
}

// The importer writes by pointer (putQuoted into JsonScratch); every other writer appends.
// Both must give the same bytes for every kind of text.
TEST(JsonWriter, PointerAndAppendingWritersAgree) {
  std::vector<std::string> texts = {"",
                                    "a",
                                    "孙永春",
                                    "say \"hi\"",
                                    "back\\slash",
                                    "tab\tnl\n",
                                    std::string("nul\0x", 5),
                                    "\x1f\x7f",
                                    "1234567\"",
                                    "12345678",
                                    std::string(5000, 'x') + "\x02"};
  std::string all;
  for (int c = 0; c < 0x80; ++c) all += char(c);
  texts.push_back(all);
  JsonScratch scratch;
  std::string appended;
  for (const std::string& t : texts) {
    std::string expected;
    JsonWriter::appendQuoted(&expected, t);
    scratch.clear();
    char* p = scratch.room(quotedBound(t.size()));
    scratch.commit(putQuoted(p, t));
    EXPECT_EQ(scratch.view(), expected) << t;
    appended += expected;
  }
  // Room asked again and again keeps what was written before it grew.
  scratch.clear();
  for (const std::string& t : texts)
    scratch.commit(putQuoted(scratch.room(quotedBound(t.size())), t));
  EXPECT_EQ(scratch.view(), appended);
}

TEST(RecordReader, ValuesAndProvenance) {
  RecordReader reader(schema());
  Record r;
  std::string err;
  ASSERT_TRUE(reader.parse(
      R"({"name":"张\n三","gender":"1","housing_area":85.50,"dibao":false,"benefit_types":["1","x"],)"
      R"("_id15":"610104620927690","_extra":{"备注":"a"},"_src":"a.xlsx","_sheet":"乡镇A","_row":14})",
      &r, &err))
      << err;
  EXPECT_EQ(r.fields[idx("name")].text, "张\n三");
  EXPECT_EQ(r.fields[idx("gender")].kind, FieldValue::Kind::String);
  EXPECT_EQ(r.fields[idx("housing_area")].text, "85.50");
  EXPECT_EQ(r.fields[idx("housing_area")].kind, FieldValue::Kind::Number);
  EXPECT_EQ(r.fields[idx("dibao")].kind, FieldValue::Kind::Bool);
  EXPECT_FALSE(r.fields[idx("dibao")].boolean);
  EXPECT_EQ(r.fields[idx("benefit_types")].items, (std::vector<std::string>{"1", "x"}));
  EXPECT_FALSE(r.fields[idx("id_number")].present());
  EXPECT_EQ(r.src, "a.xlsx");
  EXPECT_EQ(r.sheet, "乡镇A");
  EXPECT_EQ(r.row, 14);
  EXPECT_EQ(r.id15, "610104620927690");
}

TEST(RecordReader, ColumnsCarryForwardPerSheet) {
  RecordReader reader(schema());
  Record a, b, c;
  std::string err;
  ASSERT_TRUE(reader.parse(
      R"({"name":"甲","_columns":{"name":"C","gender":"D"},"_src":"x","_sheet":"s1","_row":3})", &a,
      &err));
  ASSERT_TRUE(reader.parse(R"({"name":"乙","_src":"x","_sheet":"s1","_row":4})", &b, &err));
  ASSERT_TRUE(reader.parse(R"({"name":"丙","_src":"x","_sheet":"s2","_row":4})", &c, &err));
  EXPECT_EQ(a.column(idx("name")), "C");
  EXPECT_TRUE(a.has_columns_key);
  EXPECT_EQ(b.column(idx("gender")), "D");
  EXPECT_FALSE(b.has_columns_key);
  EXPECT_EQ(c.column(idx("name")), "");  // another sheet: unknown
}

TEST(RecordReader, MalformedLinesAreReportedAndSkipped) {
  std::string path = ::testing::TempDir() + "/stream.jsonl";
  std::ofstream(path) << "{\"name\":\"甲\",\"_row\":2}\n"
                      << "not json\n"
                      << "\n"
                      << "[1,2]\n"
                      << "{\"name\":\"乙\",\"_row\":5}";  // no final newline
  RecordReader reader(schema());
  std::vector<std::string> names;
  std::vector<size_t> bad;
  std::string err;
  ASSERT_TRUE(reader.readFile(
      path,
      [&](Record& r) {
        names.push_back(r.fields[idx("name")].text);
        return true;
      },
      [&](size_t line, const std::string&) { bad.push_back(line); }, &err));
  EXPECT_EQ(names, (std::vector<std::string>{"甲", "乙"}));
  EXPECT_EQ(bad, (std::vector<size_t>{2, 4}));
  EXPECT_FALSE(reader.readFile(
      path + ".missing", [](Record&) { return true; }, [](size_t, const std::string&) {}, &err));
}

// One judgement of "the same value" for merge and diff: canonical by default, strict only
// when asked.
TEST(ValueEquivalence, CanonicalUnlessStrictIsAsked) {
  const Field& name = *schema().field("name");
  const Field& benefits = *schema().field("benefit_types");
  FieldValue a, b, x, y;
  a.kind = b.kind = FieldValue::Kind::String;
  a.text = "王  五", b.text = "王五";
  x.kind = y.kind = FieldValue::Kind::Array;
  x.items = {"1", "3"}, y.items = {"3", "1"};
  EXPECT_TRUE(sameValue(name, a, b));
  EXPECT_TRUE(sameValue(benefits, x, y));
  EXPECT_FALSE(sameValue(name, a, b, Equivalence::Strict));
  EXPECT_FALSE(sameValue(benefits, x, y, Equivalence::Strict));
  EXPECT_TRUE(sameValue(name, b, b, Equivalence::Strict));
  b.text = "王六";
  EXPECT_FALSE(sameValue(name, a, b));
  EXPECT_FALSE(sameValue(name, a, FieldValue()));
}

// Every identity-typed component of a key is masked when shown, whatever the key's shape: a
// mistyped 17-digit number, an id_number,name key joined by '|' (vetmerge) or by 0x1f
// (vetdiff), and a key whose parts do not line up with its fields (masked whole).
TEST(Mask, EveryIdentityComponentOfAKey) {
  vetkit::Field id, name, phone;
  id.type = vetkit::FieldType::IdNumber;
  name.type = vetkit::FieldType::Text;
  phone.type = vetkit::FieldType::Phone;
  EXPECT_EQ(vetkit::displayKey("43010219780305123", {}, true), "4301*********5123");
  EXPECT_EQ(vetkit::displayKey("43010219780305123", {&id}, true), "4301*********5123");
  EXPECT_EQ(vetkit::displayKey("430102197803051234|张三", {&id, &name}, true, '|', '|'),
            "4301**********1234|张三");
  EXPECT_EQ(vetkit::displayKey("张三\x1f"
                               "13812345678",
                               {&name, &phone}, true),
            "张三,138****5678");
  EXPECT_EQ(vetkit::displayKey("张|三|430102197803051234", {&name, &id}, true, '|', '|'),
            vetkit::maskIdNumber("张|三|430102197803051234"));
  EXPECT_EQ(vetkit::displayKey("430102197803051234\x1f张三", {&id, &name}, false),
            "430102197803051234,张三");
  EXPECT_EQ(vetkit::maskPhone("0738-8126164"), "0738-***6164");
}

// A key repeated past the limit in one batch is reported once, then only counted; another
// key and a new batch start afresh.
TEST(KeyRepeats, ReportsOnceThenCounts) {
  vetkit::KeyRepeats repeats(3);
  using V = vetkit::KeyRepeats::Verdict;
  for (int i = 0; i < 3; ++i) EXPECT_EQ(repeats.add("430102197803051234"), V::Keep);
  EXPECT_EQ(repeats.add("430102197803051234"), V::Report);
  for (int i = 0; i < 1000; ++i) EXPECT_EQ(repeats.add("430102197803051234"), V::Count);
  EXPECT_EQ(repeats.add("other"), V::Keep);
  EXPECT_EQ(repeats.dropped("430102197803051234"), 1001u);
  EXPECT_EQ(repeats.dropped("other"), 0u);
  EXPECT_EQ(repeats.totalDropped(), 1001u);
  repeats.clear();
  EXPECT_EQ(repeats.add("430102197803051234"), V::Keep);
  EXPECT_EQ(repeats.totalDropped(), 0u);
}
