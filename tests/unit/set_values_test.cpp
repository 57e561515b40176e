// The province's check of a city set's values (issue 13, finding 8; lib/merge/set_values.h):
// each value of a record must be in that person's row of one of the batches it names, under
// the canonical equivalence and no more exactly than the batch said it.
#include "merge/set_values.h"

#include <gtest/gtest.h>

#include "record/record_reader.h"
#include "test_schema.h"
#include "text/id_number.h"

using namespace vetkit;

namespace {

std::string number(const std::string& first17) {
  return first17 + idCheckChar(first17);
}
const std::string kOne = number("43132119500101001"), kTwo = number("43132119520202002");

class SetValues : public ::testing::Test {
 protected:
  SetValues() : rows_(vetkit::testing::schema(), spec()) {}

  static KeySpec spec() {
    KeySpec k;
    std::string err;
    EXPECT_TRUE(parseKeySpec(vetkit::testing::schema(), "id_number", &k, &err)) << err;
    return k;
  }
  Record parse(const std::string& json) {
    RecordReader reader(vetkit::testing::schema());
    Record r;
    std::string err;
    EXPECT_TRUE(reader.parse(json, &r, &err)) << err;
    return r;
  }
  void add(int64_t batch, const std::string& json) { rows_.add(batch, parse(json)); }
  // The ids of the fields of the set line `json` that no row of `batches` vouches for.
  std::vector<std::string> unvouched(const std::string& json, std::vector<int64_t> batches,
                                     const std::string& keyless = "") {
    Record r = parse(json);
    std::string key = rows_.keyOf(r);
    if (key.starts_with('?')) key = keyless;
    std::vector<std::string> ids;
    for (size_t f : unvouchedFields(r, key, batches, rows_))
      ids.push_back(vetkit::testing::schema().fields()[f].id);
    return ids;
  }
  std::string person(const std::string& key, const std::string& name,
                     const std::string& rest = "") {
    return R"({"id_number":")" + key + R"(","name":")" + name + "\"" + rest + "}";
  }

  BatchRows rows_;
};

using Ids = std::vector<std::string>;

TEST_F(SetValues, AValueAsTheCountySentItIsVouched) {
  add(1, person(kOne, "张三", R"(,"phone":"13800138000")"));
  EXPECT_EQ(unvouched(person(kOne, "张三", R"(,"phone":"13800138000","_sources":[])"), {1}), Ids{});
  EXPECT_EQ(rows_.rows(), 1u);
}

TEST_F(SetValues, AnEditedValueIsNot) {
  add(1, person(kOne, "张三", R"(,"phone":"13800138000")"));
  EXPECT_EQ(unvouched(person(kOne, "张三", R"(,"phone":"13900139000")"), {1}), Ids{"phone"});
  EXPECT_EQ(unvouched(person(kOne, "李四", R"(,"phone":"13800138000")"), {1}), Ids{"name"});
}

TEST_F(SetValues, AValueMustBeInABatchTheRecordNames) {
  add(1, person(kOne, "张三"));
  add(2, person(kOne, "张三丰"));
  EXPECT_EQ(unvouched(person(kOne, "张三丰"), {1}), Ids{"name"});
  EXPECT_EQ(unvouched(person(kOne, "张三丰"), {1, 2}), Ids{});
  // A batch the person is not in vouches for nothing of theirs.
  EXPECT_EQ(unvouched(person(kOne, "张三"), {3}), (Ids{"name", "id_number"}));
}

TEST_F(SetValues, AnotherPersonsRowVouchesForNothing) {
  add(1, person(kOne, "张三"));
  add(1, person(kTwo, "李四"));
  EXPECT_EQ(unvouched(person(kOne, "李四"), {1}), Ids{"name"});
}

TEST_F(SetValues, TheCanonicalEquivalenceHolds) {
  add(1, person(kOne, "王  五", R"(,"benefit_types":["3","1"])"));
  EXPECT_EQ(unvouched(person(kOne, "王五", R"(,"benefit_types":["1","3"])"), {1}), Ids{});
}

TEST_F(SetValues, ARefinedDateIsInTheBatchThatSaidItExactly) {
  add(1, person(kOne, "张三", R"(,"birth_date":"1950-01")"));
  add(2, person(kOne, "张三", R"(,"birth_date":"1950-01-01")"));
  EXPECT_EQ(unvouched(person(kOne, "张三", R"(,"birth_date":"1950-01-01")"), {1, 2}), Ids{});
  EXPECT_EQ(unvouched(person(kOne, "张三", R"(,"birth_date":"1950-01")"), {1}), Ids{});
  // More exact than any batch said it: a day nobody sent.
  EXPECT_EQ(unvouched(person(kOne, "张三", R"(,"birth_date":"1950-01-17")"), {1}),
            Ids{"birth_date"});
  EXPECT_EQ(unvouched(person(kOne, "张三", R"(,"birth_date":"1950-01-17")"), {1, 2}),
            Ids{"birth_date"});
}

TEST_F(SetValues, ACorrectedNumberIsFoundUnderTheNumberItCorrects) {
  std::string wrong = kOne.substr(0, 17) + (kOne[17] == '1' ? "2" : "1");
  ASSERT_NE(checkIdNumber(wrong), IdStatus::Ok);
  add(1, person(wrong, "张三", R"(,"phone":"13800138000")"));
  add(2, person(kOne, "张三"));
  EXPECT_EQ(unvouched(person(kOne, "张三", R"(,"phone":"13800138000")"), {1, 2}), Ids{});
  std::vector<Record> found;
  rows_.rowsOf(1, kOne, &found);
  EXPECT_EQ(found.size(), 1u);
  // A valid number is nobody's correction: kTwo's rows are not kOne's.
  add(1, person(kTwo, "李四"));
  rows_.rowsOf(2, kTwo, &found);
  EXPECT_TRUE(found.empty());
}

TEST_F(SetValues, AnExcelMangledNumberIsFoundToo) {
  std::string mangled = kOne.substr(0, 1) + "." + kOne.substr(1, 15) + "e+17";
  add(1, person(mangled, "张三", R"(,"phone":"13800138000")"));
  std::vector<Record> found;
  rows_.rowsOf(1, kOne, &found);
  EXPECT_EQ(found.size(), 1u);
}

TEST_F(SetValues, ARecordWithoutKeyIsFoundByItsSheetAndRow) {
  add(1, R"({"name":"无号","_sheet":"Sheet1","_row":7})");
  add(1, R"({"name":"另一个","_sheet":"Sheet1","_row":8})");
  EXPECT_EQ(unvouched(R"({"name":"无号"})", {1}, "?Sheet1:7"), Ids{});
  EXPECT_EQ(unvouched(R"({"name":"另一个"})", {1}, "?Sheet1:7"), Ids{"name"});
}

TEST_F(SetValues, VouchedIsTheCanonicalEquivalenceNoMoreExactly) {
  const Field& date = *vetkit::testing::schema().field("birth_date");
  auto v = [](const std::string& text) {
    FieldValue f;
    f.kind = FieldValue::Kind::String;
    f.text = text;
    return f;
  };
  EXPECT_TRUE(valueVouched(date, v("1950-01"), v("1950-01-01")));
  EXPECT_FALSE(valueVouched(date, v("1950-01-01"), v("1950-01")));
  EXPECT_FALSE(valueVouched(date, v("1950-02"), v("1950-01-01")));
}

}  // namespace
