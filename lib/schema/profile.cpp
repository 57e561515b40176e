#include "schema/profile.h"

#include <yaml-cpp/yaml.h>

#include "text/fold.h"
#include "text/nearest.h"

namespace vetkit {

namespace {

std::string trimmed(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return std::string(s);
}

}  // namespace

const Field* Profile::namedField(const Schema& schema, std::string_view text) {
  if (const Field* f = schema.field(text)) return f;
  return schema.fieldForHeader(text);  // 关联军人姓名: an operator knows the labels, not ids
}

std::string Profile::noField(const Schema& schema, std::string_view where, std::string_view text,
                             Lang lang) {
  std::vector<std::string> ids;
  for (const Field& f : schema.fields()) ids.push_back(f.id);
  std::string near = nearestName(text, ids);
  std::string hint =
      near.empty() ? "" : schema.messages().format("did-you-mean", lang, {{"name", near}});
  return schema.messages().format(
      "profile-no-field", lang,
      {{"where", std::string(where)}, {"field", std::string(text)}, {"hint", hint}});
}

bool Profile::load(const std::string& path, const Schema& schema, Profile* out, std::string* err,
                   Lang lang) {
  const Messages& m = schema.messages();
  try {
    YAML::Node root = YAML::LoadFile(path);
    out->name_ = root["name"] ? root["name"].as<std::string>() : path;
    // `complete: false` is what earlier profiles said for an extract.
    out->partial_ = (root["partial"] && root["partial"].as<bool>()) ||
                    (root["complete"] && !root["complete"].as<bool>());
    if (!root["columns"] || !root["columns"].IsMap()) {
      *err = m.format("profile-no-columns", lang, {{"file", path}});
      return false;
    }
    for (const auto& c : root["columns"]) {
      std::string header = c.first.as<std::string>(), id = c.second.as<std::string>();
      const Field* f = namedField(schema, id);
      if (!f) {
        *err = noField(schema, path + ":" + std::to_string(c.second.Mark().line + 1), id, lang);
        return false;
      }
      out->fields_[foldKey(header)] = f;
    }
  } catch (const YAML::BadFile&) {
    *err = m.format("profile-unreadable", lang, {{"file", path}});
    return false;
  } catch (const YAML::Exception& e) {
    *err = m.format("profile-malformed", lang,
                    {{"where", path + ":" + std::to_string(e.mark.line + 1)}, {"reason", e.msg}});
    return false;
  }
  return true;
}

bool Profile::addMapping(std::string_view spec, const Schema& schema, std::string* err, Lang lang) {
  // The last '=' splits: a header may hold one (得分=A), a field never does.
  size_t eq = spec.rfind('=');
  std::string header = eq == std::string_view::npos ? "" : trimmed(spec.substr(0, eq));
  std::string field = eq == std::string_view::npos ? "" : trimmed(spec.substr(eq + 1));
  if (header.empty() || field.empty()) {
    *err = schema.messages().format("map-syntax", lang, {{"spec", std::string(spec)}});
    return false;
  }
  const Field* f = namedField(schema, field);
  if (!f) {
    *err = noField(schema, "--map '" + std::string(spec) + "'", field, lang);
    return false;
  }
  fields_[foldKey(header)] = f;
  return true;
}

const Field* Profile::fieldForHeader(std::string_view header) const {
  auto it = fields_.find(foldKey(header));
  return it == fields_.end() ? nullptr : it->second;
}

const Field* fieldForHeader(const Schema& schema, const Profile* profile, std::string_view header) {
  if (profile)
    if (const Field* f = profile->fieldForHeader(header)) return f;
  return schema.fieldForHeader(header);
}

}  // namespace vetkit
