// A department's profile (schemas/departments/*.yaml): how the extract a department sends for
// the cross-check of phase two reads, and what it may be trusted with. Its columns map to
// fields like a mapping profile's; its rows combine into one person (one row per insurance
// type becomes one set; a list of names means "on the list"); it names the fields it is the
// authority for and how each is compared, which people it should know, what its registration
// status column says, and which fields may be sent to it (data minimisation).
#pragma once

#include <string>
#include <vector>

#include "schema/profile.h"
#include "schema/schema.h"

namespace vetkit {

struct DepartmentCheck {
  enum class Compare {
    Equal,    // the department's value is the value (an empty cell of theirs says nothing)
    OnList,   // a yes/no field: listed means 是, one of ours not listed means 否
    Subset,   // a code set of which the department holds only `holds`: compared on those
    Present,  // the department has something (a petition case): ours must not be empty
  };
  const Field* field = nullptr;
  Compare compare = Compare::Equal;
  std::vector<std::string> holds;  // Subset: the codes the department keeps
};

class DepartmentProfile {
 public:
  enum class Rows { Person, Set, List };
  /// Who of ours the department should know: everyone (a person of ours absent from the
  /// extract is a finding), everyone "by absence" (absent means 否 / none of the held types),
  /// or nobody in particular (absence says nothing).
  enum class Covers { All, Absence, None };
  /// What a person only in the extract is: an item (only-theirs), a person no county collected
  /// (a roster: not-collected, 不漏一人), or nothing (a list of everyone on 低保, veteran or not).
  enum class Unmatched { OnlyTheirs, NotCollected, Ignore };

  /// Reads a profile; false with `err` naming the file, the line and what is wrong.
  static bool load(const std::string& path, const Schema& schema, DepartmentProfile* out,
                   std::string* err);
  /// The path of a profile named on the command line: a file as given, else NAME.yaml in the
  /// `departments` folder beside the schema (--dept gongan).
  static std::string resolve(const std::string& name, const std::string& schema_path);

  const std::string& id() const { return id_; }                  // the file's stem: gongan
  const std::string& name() const { return name_; }              // 公安户籍人口信息
  const std::string& department() const { return department_; }  // 公安
  const Profile& columns() const { return columns_; }
  Rows rows() const { return rows_; }
  Covers covers() const { return covers_; }
  Unmatched unmatched() const { return unmatched_; }
  const std::vector<DepartmentCheck>& checks() const { return checks_; }
  /// Categories (codes) of ours the department keeps; empty: all.
  const std::vector<std::string>& categories() const { return categories_; }
  /// The headers the registration-status column may have (户籍状态, 人口状态); empty: none.
  const std::vector<std::string>& statusColumns() const { return status_columns_; }
  /// A status whose rows do not count (参保 终止): the row says nothing about the person.
  bool statusInactive(std::string_view status) const;
  /// A status that is itself a problem for a collected person (死亡注销).
  bool statusProblem(std::string_view status) const;
  /// Fields that may be sent to the department, in the profile's order.
  const std::vector<const Field*>& send() const { return send_; }
  bool roster() const { return unmatched_ == Unmatched::NotCollected; }

 private:
  std::string id_, name_, department_;
  std::vector<std::string> status_columns_;
  Profile columns_;
  Rows rows_ = Rows::Person;
  Covers covers_ = Covers::None;
  Unmatched unmatched_ = Unmatched::OnlyTheirs;
  std::vector<DepartmentCheck> checks_;
  std::vector<std::string> categories_, inactive_, problem_;
  std::vector<const Field*> send_;
};

}  // namespace vetkit
