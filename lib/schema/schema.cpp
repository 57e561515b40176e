#include "schema/schema.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>

#include "core/text_catalogue.h"
#include "text/fold.h"

namespace vetkit {

namespace {

struct TypeName {
  const char* name;
  FieldType type;
};
constexpr TypeName kTypes[] = {
    {"text", FieldType::Text},         {"code", FieldType::Code},
    {"codeset", FieldType::CodeSet},   {"date", FieldType::Date},
    {"number", FieldType::Number},     {"yesno", FieldType::YesNo},
    {"idnumber", FieldType::IdNumber}, {"phone", FieldType::Phone},
    {"division", FieldType::Division},
};

std::string where(const YAML::Node& n) {
  return std::to_string(n.Mark().line + 1) + ": ";
}

std::vector<std::string> strings(const YAML::Node& n) {
  std::vector<std::string> out;
  if (!n) return out;
  if (n.IsScalar()) {
    out.push_back(n.as<std::string>());
  } else {
    // A map here would reach yaml-cpp's iterator as an "invalid node" without a line.
    if (!n.IsSequence()) throw YAML::Exception(n.Mark(), tr("expected a text or a list of texts"));
    for (const auto& item : n) {
      if (!item.IsScalar()) throw YAML::Exception(item.Mark(), tr("expected a text"));
      out.push_back(item.as<std::string>());
    }
  }
  return out;
}

}  // namespace

const char* fieldTypeName(FieldType t) {
  for (const auto& tn : kTypes)
    if (tn.type == t) return tn.name;
  return "text";
}

namespace {
// The direct slot of a one- or two-digit code, or -1.
int digitSlot(std::string_view code) {
  auto digit = [](char c) { return c >= '0' && c <= '9'; };
  if (code.size() == 1 && digit(code[0])) return code[0] - '0';
  if (code.size() == 2 && digit(code[0]) && digit(code[1]))
    return 10 + (code[0] - '0') * 10 + (code[1] - '0');
  return -1;
}
}  // namespace

const CodeEntry* CodeTable::find(std::string_view code) const {
  if (int slot = digitSlot(code); slot >= 0)
    return by_digits_[slot] ? &entries[size_t(by_digits_[slot] - 1)] : nullptr;
  auto it = by_code_.find(code);
  return it == by_code_.end() ? nullptr : &entries[it->second];
}

const CodeEntry* CodeTable::lookupPrefix(std::string_view text) const {
  const CodeEntry* best = nullptr;
  size_t best_len = 0;
  for (const auto& [spelling, idx] : by_spelling_) {
    const CodeEntry& e = entries[idx];
    if (spelling.size() <= 3 || spelling == e.code || spelling.size() <= best_len) continue;
    if (text.starts_with(spelling)) best = &e, best_len = spelling.size();
  }
  return best;
}

const CodeEntry* CodeTable::lookup(std::string_view text) const {
  if (auto it = by_spelling_.find(text); it != by_spelling_.end()) return &entries[it->second];
  auto it = by_key_.find(foldKey(text));
  return it == by_key_.end() ? nullptr : &entries[it->second];
}

// Builds a Schema from YAML; all yaml-cpp exceptions stop here.
class SchemaLoader {
 public:
  static bool load(const YAML::Node& root, const std::string& dir, Schema* s, std::string* err) {
    s->name_ = root["schema"] ? root["schema"].as<std::string>() : "schema";
    std::unordered_map<std::string, std::vector<std::string>> groups;
    for (const auto& g : root["groups"]) groups[g.first.as<std::string>()] = strings(g.second);

    for (const auto& t : root["tables"]) {
      auto table = std::make_unique<CodeTable>();
      table->id = t.first.as<std::string>();
      for (const auto& e : t.second) {
        CodeEntry entry;
        entry.code = e["code"].as<std::string>();
        entry.label = e["label"] ? e["label"].as<std::string>() : entry.code;
        if (e["group"]) entry.group = e["group"].as<std::string>();
        if (e["local"]) entry.local = e["local"].as<bool>();
        if (e["division"]) entry.division = e["division"].as<std::string>();
        size_t idx = table->entries.size();
        if (int slot = digitSlot(entry.code); slot >= 0) table->by_digits_[slot] = int16_t(idx + 1);
        if (!table->by_code_.emplace(entry.code, idx).second) {
          *err = where(e) + tr("table {table}: duplicate code {code}",
                               {{"table", table->id}, {"code", entry.code}});
          return false;
        }
        std::vector<std::string> keys = strings(e["aliases"]);
        keys.push_back(entry.label);
        keys.push_back(entry.code);
        // Excel drops leading zeros of a number typed as 01: 1 means 01.
        size_t nz = entry.code.find_first_not_of('0');
        if (nz != 0 && nz != std::string::npos) keys.push_back(entry.code.substr(nz));
        for (const std::string& k : keys) {
          table->by_spelling_.emplace(k, idx);
          auto [it, fresh] = table->by_key_.emplace(foldKey(k), idx);
          if (!fresh && it->second != idx) {
            *err = where(e) + tr("table {table}: '{spelling}' names two codes",
                                 {{"table", table->id}, {"spelling", k}});
            return false;
          }
        }
        table->entries.push_back(std::move(entry));
      }
      for (const auto& [key, idx] : table->by_key_) table->by_spelling_.emplace(key, idx);
      s->tables_.push_back(std::move(table));
    }

    for (const auto& f : root["fields"]) {
      Field field;
      field.id = f["id"].as<std::string>();
      field.labels = strings(f["labels"]);
      std::string type = f["type"] ? f["type"].as<std::string>() : "text";
      auto tn = std::find_if(std::begin(kTypes), std::end(kTypes),
                             [&](const TypeName& x) { return type == x.name; });
      if (tn == std::end(kTypes)) {
        *err = where(f) +
               tr("field {field}: unknown type '{type}'", {{"field", field.id}, {"type", type}});
        return false;
      }
      field.type = tn->type;
      bool needs_table = field.type == FieldType::Code || field.type == FieldType::CodeSet;
      if (needs_table || f["table"]) {
        std::string tid = f["table"] ? f["table"].as<std::string>() : "";
        field.table = s->table(tid);
        if (!field.table) {
          *err = where(f) + tr("field {field}: no code table '{table}'",
                               {{"field", field.id}, {"table", tid}});
          return false;
        }
      }
      // Folded once here, as the values they are compared with will be.
      for (const std::string& u : strings(f["units"])) field.unit_suffixes.push_back(foldValue(u));
      for (const std::string& r : strings(f["required"])) {
        if (r == "all") {
          field.required_all = true;
        } else if (groups.count(r)) {
          for (const auto& c : groups[r]) field.required_for.push_back(c);
        } else {
          field.required_for.push_back(r);
        }
      }
      for (const std::string& a : strings(f["applies_to"])) {
        if (groups.count(a))
          for (const auto& c : groups[a]) field.applies_to.push_back(c);
        else
          field.applies_to.push_back(a);
      }
      if (f["required_column"]) field.required_column = f["required_column"].as<bool>();
      if (f["fold"]) field.fold = f["fold"].as<std::string>() != "trim";
      if (f["match"]) field.match_prefix = f["match"].as<std::string>() == "prefix";
      if (f["about"]) {
        std::string about = f["about"].as<std::string>();
        if (about != "person" && about != "collection") {
          *err = where(f) + tr("field {field}: about must be person or collection, not '{about}'",
                               {{"field", field.id}, {"about", about}});
          return false;
        }
        field.about_collection = about == "collection";
      }
      field.index = s->fields_.size();
      if (!s->field_by_id_.emplace(field.id, field.index).second) {
        *err = where(f) + tr("duplicate field {field}", {{"field", field.id}});
        return false;
      }
      std::vector<std::string> keys = field.labels;
      keys.push_back(field.id);
      for (const std::string& label : keys) {
        auto [it, fresh] = s->field_by_label_.emplace(foldKey(label), field.index);
        if (!fresh && it->second != field.index) {
          *err = where(f) + tr("label '{label}' names two fields", {{"label", label}});
          return false;
        }
      }
      s->fields_.push_back(std::move(field));
    }

    std::string cat = root["category_field"] ? root["category_field"].as<std::string>() : "";
    s->category_field_ = s->field(cat);
    if (!cat.empty() && !s->category_field_) {
      *err = tr("category_field '{field}' is not a field", {{"field", cat}});
      return false;
    }
    for (const auto& c : strings(root["ignored_columns"]))
      s->ignored_columns_.push_back(foldKey(c));
    if (!loadHeaderMatching(root["header_matching"], &s->header_matching_, err)) return false;
    s->set_separators_ = strings(root["set_separators"]);
    for (const auto& v : strings(root["empty_values"])) {
      if (v.empty()) continue;
      s->empty_values_[v] = true;
      s->empty_first_[static_cast<unsigned char>(v[0])] = true;
      s->empty_max_len_ = std::max(s->empty_max_len_, v.size());
    }
    s->footer_markers_ = strings(root["footer_markers"]);
    for (const auto& v : strings(root["yesno"]["true"])) s->yesno_[foldKey(v)] = true;
    for (const auto& v : strings(root["yesno"]["false"])) s->yesno_[foldKey(v)] = false;

    auto sibling = [&](const char* key) {
      std::string path = root[key].as<std::string>();
      return !path.empty() && path[0] != '/' ? dir + "/" + path : path;
    };
    if (root["divisions"] && !s->divisions_.load(sibling("divisions"), err)) return false;
    if (root["messages"] && !s->messages_.load(sibling("messages"), err)) return false;
    if (root["rules"]) s->rules_path_ = sibling("rules");
    return true;
  }

  static bool loadHeaderMatching(const YAML::Node& n, HeaderMatching* hm, std::string* err) {
    if (!n) return true;
    for (const auto& group : n["synonyms"]) hm->synonyms.push_back(strings(group));
    if (const YAML::Node ignore = n["ignore"]) {
      for (const auto& kv : ignore) {
        std::string type = kv.first.as<std::string>();
        bool known =
            type == "all" || std::any_of(std::begin(kTypes), std::end(kTypes),
                                         [&](const TypeName& t) { return type == t.name; });
        if (!known) {
          *err = where(kv.first) + tr("header_matching: unknown type '{type}'", {{"type", type}});
          return false;
        }
        hm->ignore.push_back({type, {strings(kv.second["words"]), strings(kv.second["endings"])}});
      }
    }
    if (n["accept"]) hm->accept = n["accept"].as<double>();
    if (n["suggest"]) hm->suggest = n["suggest"].as<double>();
    if (n["margin"]) hm->margin = n["margin"].as<double>();
    if (!(hm->suggest > 0 && hm->suggest <= hm->accept && hm->accept <= 1 && hm->margin >= 0)) {
      *err = where(n) + tr("header_matching: need 0 < suggest <= accept <= 1 and margin >= 0");
      return false;
    }
    return true;
  }
};

std::unique_ptr<Schema> Schema::load(const std::string& path, std::string* err) {
  auto schema = std::make_unique<Schema>();
  try {
    YAML::Node root = YAML::LoadFile(path);
    std::string dir = std::filesystem::path(path).parent_path().string();
    if (dir.empty()) dir = ".";
    if (!SchemaLoader::load(root, dir, schema.get(), err)) {
      *err = path + ":" + *err;
      return nullptr;
    }
  } catch (const YAML::BadFile&) {
    *err = path + ": " + tr("cannot open schema");
    return nullptr;
  } catch (const YAML::Exception& e) {
    // Some yaml-cpp errors (a node of the wrong kind) carry no position.
    *err = path + (e.mark.is_null() ? "" : ":" + std::to_string(e.mark.line + 1)) + ": " + e.msg;
    return nullptr;
  }
  return schema;
}

std::string Schema::defaultPath() {
  if (const char* dir = std::getenv("VETKIT_SCHEMA_DIR"); dir && *dir)
    return std::string(dir) + "/veteran.yaml";
  std::error_code ec;
  // An installed tree is relocatable (a .deb unpacked anywhere): look beside the binary first,
  // then in the source tree of a build, then where `cmake --install` put it.
  std::filesystem::path exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    auto beside = exe.parent_path().parent_path() / "share/vetkit/schemas/veteran.yaml";
    if (std::filesystem::exists(beside, ec)) return beside.string();
  }
  std::string source = VETKIT_SOURCE_SCHEMA_DIR "/veteran.yaml";
  if (std::filesystem::exists(source, ec)) return source;
  return VETKIT_INSTALL_SCHEMA_DIR "/veteran.yaml";
}

const Field* Schema::field(std::string_view id) const {
  auto it = field_by_id_.find(id);
  return it == field_by_id_.end() ? nullptr : &fields_[it->second];
}

bool Schema::fields(std::string_view list, std::vector<const Field*>* out, std::string* err) const {
  size_t start = 0;
  while (start <= list.size()) {
    size_t end = std::min(list.find(',', start), list.size());
    std::string_view id = list.substr(start, end - start);
    const Field* f = field(id);
    if (!f) {
      *err = tr("unknown field '{field}'", {{"field", std::string(id)}});
      return false;
    }
    out->push_back(f);
    start = end + 1;
  }
  return true;
}

const Field* Schema::fieldForHeader(std::string_view header) const {
  std::string key = foldKey(header);
  if (key.empty()) return nullptr;
  auto it = field_by_label_.find(key);
  return it == field_by_label_.end() ? nullptr : &fields_[it->second];
}

bool Schema::isIgnoredColumn(std::string_view header) const {
  std::string key = foldKey(header);
  return std::find(ignored_columns_.begin(), ignored_columns_.end(), key) != ignored_columns_.end();
}

bool Schema::isFooter(std::string_view text) const {
  for (const std::string& m : footer_markers_)
    if (text.starts_with(m)) return true;
  return false;
}

const CodeTable* Schema::table(std::string_view id) const {
  for (const auto& t : tables_)
    if (t->id == id) return t.get();
  return nullptr;
}

std::optional<bool> Schema::yesno(std::string_view text) const {
  auto it = yesno_.find(text);
  if (it == yesno_.end()) it = yesno_.find(foldKey(text));
  if (it == yesno_.end()) return std::nullopt;
  return it->second;
}

bool Schema::isRequired(const Field& f, std::string_view category) const {
  if (f.required_all) return true;
  return std::find(f.required_for.begin(), f.required_for.end(), category) != f.required_for.end();
}

std::string Schema::countyOf(std::string_view division) const {
  return sendbackCounty(table("units"), division, "", true);
}

bool Schema::applies(const Field& f, std::string_view category) const {
  auto in = [&](const std::vector<std::string>& v) {
    return std::find(v.begin(), v.end(), category) != v.end();
  };
  if (!f.applies_to.empty()) return in(f.applies_to);
  return f.required_all || f.required_for.empty() || in(f.required_for);
}

}  // namespace vetkit
