#include "schema/department_profile.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <filesystem>

#include "core/text_catalogue.h"
#include "text/fold.h"

namespace vetkit {

namespace {

// A mistake in a profile, with the file and line it is on.
struct ProfileError {
  int line;
  std::string what;
};

[[noreturn]] void fail(const YAML::Node& at, std::string what) {
  throw ProfileError{at.Mark().line + 1, std::move(what)};
}

// One of `names` (their index), or a message listing them.
size_t choose(const YAML::Node& node, const char* key, std::initializer_list<const char*> names) {
  std::string v = node.as<std::string>();
  size_t i = 0;
  std::string list;
  for (const char* n : names) {
    if (v == n) return i;
    list += (i++ ? ", " : "") + std::string(n);
  }
  fail(node,
       tr("`{key}: {value}` is none of {list}", {{"key", key}, {"value", v}, {"list", list}}));
}

std::vector<std::string> strings(const YAML::Node& node, const char* key) {
  if (!node) return {};
  if (!node.IsSequence()) fail(node, tr("`{key}:` must be a list", {{"key", key}}));
  std::vector<std::string> out;
  for (const auto& n : node) out.push_back(n.as<std::string>());
  return out;
}

const Field* fieldOf(const Schema& schema, const YAML::Node& node) {
  std::string id = node.as<std::string>();
  const Field* f = schema.field(id);
  if (!f) fail(node, tr("no field '{field}'", {{"field", id}}));
  return f;
}

}  // namespace

std::string DepartmentProfile::resolve(const std::string& name, const std::string& schema_path) {
  namespace fs = std::filesystem;
  if (name.find('/') != std::string::npos || fs::exists(name)) return name;
  return (fs::path(schema_path).parent_path() / "departments" / (name + ".yaml")).string();
}

bool DepartmentProfile::load(const std::string& path, const Schema& schema, DepartmentProfile* out,
                             std::string* err) {
  // The column mapping is a mapping profile's, read by the one reader of those.
  if (!Profile::load(path, schema, &out->columns_, err)) return false;
  try {
    YAML::Node root = YAML::LoadFile(path);
    out->id_ = std::filesystem::path(path).stem().string();
    out->name_ = root["name"] ? root["name"].as<std::string>() : out->id_;
    out->department_ = root["department"] ? root["department"].as<std::string>() : out->name_;
    if (root["rows"]) out->rows_ = Rows(choose(root["rows"], "rows", {"person", "set", "list"}));
    if (root["covers"])
      out->covers_ = Covers(choose(root["covers"], "covers", {"all", "absence", "none"}));
    if (root["unmatched"])
      out->unmatched_ = Unmatched(
          choose(root["unmatched"], "unmatched", {"only-theirs", "not-collected", "ignore"}));
    for (const std::string& c : strings(root["categories"], "categories")) {
      const CodeTable* t = schema.categoryField() ? schema.categoryField()->table : nullptr;
      bool any = false;
      for (const CodeEntry& e : t ? t->entries : std::vector<CodeEntry>{})
        if (e.code == c || e.group == c) out->categories_.push_back(e.code), any = true;
      if (!any) fail(root["categories"], tr("no category or group '{code}'", {{"code", c}}));
    }
    if (YAML::Node s = root["status"]) {
      if (!s["column"]) fail(s, tr("`status:` needs the `column:` that holds it"));
      out->status_columns_ = s["column"].IsSequence()
                                 ? strings(s["column"], "column")
                                 : std::vector<std::string>{s["column"].as<std::string>()};
      for (const std::string& v : strings(s["inactive"], "inactive"))
        out->inactive_.push_back(foldKey(v));
      for (const std::string& v : strings(s["problem"], "problem"))
        out->problem_.push_back(foldKey(v));
    }
    YAML::Node checks = root["authority"];
    if (!checks || !checks.IsMap() || checks.size() == 0)
      fail(checks ? checks : root, tr("a department profile needs an `authority:` map of field: "
                                      "equal | on-list | subset | present"));
    for (const auto& c : checks) {
      DepartmentCheck check;
      check.field = fieldOf(schema, c.first);
      YAML::Node how = c.second.IsMap() ? c.second["compare"] : c.second;
      if (!how) fail(c.second, tr("`compare:` missing"));
      check.compare = DepartmentCheck::Compare(
          choose(how, "compare", {"equal", "on-list", "subset", "present"}));
      const Field& f = *check.field;
      using C = DepartmentCheck::Compare;
      if (check.compare == C::OnList && f.type != FieldType::YesNo)
        fail(c.first, tr("on-list compares a yes/no field; {field} is not one", {{"field", f.id}}));
      if (check.compare == C::Subset) {
        if (f.type != FieldType::CodeSet)
          fail(c.first, tr("subset compares a code set; {field} is not one", {{"field", f.id}}));
        check.holds = strings(c.second.IsMap() ? c.second["holds"] : YAML::Node(), "holds");
        if (check.holds.empty()) fail(c.second, tr("subset needs `holds:`, the codes kept"));
        for (const std::string& code : check.holds)
          if (!f.table || !f.table->find(code))
            fail(c.second["holds"],
                 tr("'{code}' is no code of {field}", {{"code", code}, {"field", f.id}}));
      }
      out->checks_.push_back(std::move(check));
    }
    if (out->rows_ == Rows::List &&
        std::none_of(out->checks_.begin(), out->checks_.end(), [](const DepartmentCheck& c) {
          return c.compare == DepartmentCheck::Compare::OnList;
        }))
      fail(root["rows"],
           tr("`rows: list` needs a field compared on-list (what being listed means)"));
    if (!root["send"])
      fail(root, tr("a department profile needs `send:`, the fields it may receive"));
    for (const auto& n : root["send"]) out->send_.push_back(fieldOf(schema, n));
  } catch (const ProfileError& e) {
    *err = path + ":" + std::to_string(e.line) + ": " + e.what;
    return false;
  } catch (const YAML::Exception& e) {
    *err = path + ":" + std::to_string(e.mark.line + 1) + ": " + e.msg;
    return false;
  }
  return true;
}

bool DepartmentProfile::statusInactive(std::string_view status) const {
  return std::find(inactive_.begin(), inactive_.end(), foldKey(status)) != inactive_.end();
}

bool DepartmentProfile::statusProblem(std::string_view status) const {
  return std::find(problem_.begin(), problem_.end(), foldKey(status)) != problem_.end();
}

}  // namespace vetkit
