// Extracts for departments (merge/extract.h): only the fields a department may receive, coded
// values by their labels, and the output's form by its name.
#include <gtest/gtest.h>

#include <filesystem>

#include "merge/extract.h"
#include "test_schema.h"

using namespace vetkit;
using vetkit::testing::schema;

namespace {

DepartmentProfile profile(const std::string& name) {
  DepartmentProfile p;
  std::string err;
  EXPECT_TRUE(
      DepartmentProfile::load(VETKIT_SCHEMAS "/departments/" + name + ".yaml", schema(), &p, &err))
      << err;
  return p;
}

// A person with everything the notice collects, phones, appeals and benefits among it.
const char kRecord[] =
    R"({"category":"12","name":"张建国","gender":"1","ethnicity":"01","birth_date":"1965-03-12",)"
    R"("id_number":"431321196503120116","phone":"13912345678","hukou_division":"431321",)"
    R"("appeals":"要求解决住房","benefit_types":["1","2"],"dibao":true,"insurance":["3"],)"
    R"("housing_area":85.5,"_src":"a.csv","_row":3})";

}  // namespace

// Data minimisation, as the notice asks: no department is sent a phone, an appeal or a benefit
// unless it is the department of that benefit; 公安 gets who the person is and nothing else.
TEST(Extract, ProfilesSendOnlyWhatTheDepartmentMayReceive) {
  std::vector<std::string> gongan;
  DepartmentProfile g = profile("gongan");
  for (const Field* f : g.send()) gongan.push_back(f->id);
  EXPECT_EQ(gongan, (std::vector<std::string>{"id_number", "name", "gender", "birth_date",
                                              "ethnicity", "hukou_division"}));
  for (const auto& e : std::filesystem::directory_iterator(VETKIT_SCHEMAS "/departments")) {
    DepartmentProfile p = profile(e.path().stem().string());
    for (const Field* f : p.send()) {
      EXPECT_NE(f->id, "phone") << e.path();
      EXPECT_NE(f->id, "appeals") << e.path();
      EXPECT_NE(f->type, FieldType::Phone) << e.path();
    }
  }
}

TEST(Extract, CellsAreTheSentFieldsOnlyInTheirOrderWithLabels) {
  DepartmentProfile p = profile("gongan");
  std::vector<std::string> cells;
  ASSERT_TRUE(extractCells(kRecord, p.send(), &cells));
  EXPECT_EQ(cells, (std::vector<std::string>{"431321196503120116", "张建国", "男", "1965-03-12",
                                             "汉族", "431321"}));
  for (const std::string& c : cells) {
    EXPECT_EQ(c.find("1391234"), std::string::npos);
    EXPECT_EQ(c.find("住房"), std::string::npos);
  }
}

TEST(Extract, SetsNumbersAndAbsentValues) {
  std::vector<const Field*> fields{schema().field("insurance"), schema().field("housing_area"),
                                   schema().field("dibao"), schema().field("related_name")};
  for (const Field* f : fields) ASSERT_TRUE(f);
  std::vector<std::string> cells;
  ASSERT_TRUE(extractCells(kRecord, fields, &cells));
  ASSERT_EQ(cells.size(), 4u);
  EXPECT_FALSE(cells[0].empty());
  EXPECT_NE(cells[0], "3");  // the code's label, not the code
  EXPECT_EQ(cells[1], "85.5");
  EXPECT_EQ(cells[2], "是");
  EXPECT_EQ(cells[3], "");  // absent: an empty cell
  EXPECT_FALSE(extractCells("not json", fields, &cells));
}

TEST(Extract, FormatComesFromTheOutputName) {
  EXPECT_EQ(extractFormat("公安.xlsx"), "xlsx");
  EXPECT_EQ(extractFormat("out/公安.XLSX"), "xlsx");
  EXPECT_EQ(extractFormat("民政.csv"), "csv");
  EXPECT_EQ(extractFormat("民政.txt"), "");
  EXPECT_EQ(extractFormat("a.csv/民政"), "");
  EXPECT_EQ(extractFormat("-"), "");
}
