#include "schema/profile.h"

#include <yaml-cpp/yaml.h>

#include "text/fold.h"

namespace vetkit {

bool Profile::load(const std::string& path, const Schema& schema, Profile* out, std::string* err) {
  try {
    YAML::Node root = YAML::LoadFile(path);
    out->name_ = root["name"] ? root["name"].as<std::string>() : path;
    out->partial_ = !(root["complete"] && root["complete"].as<bool>());
    if (!root["columns"] || !root["columns"].IsMap()) {
      *err = path + ": a profile needs a `columns:` map of header: field id";
      return false;
    }
    for (const auto& c : root["columns"]) {
      std::string header = c.first.as<std::string>(), id = c.second.as<std::string>();
      const Field* f = schema.field(id);
      if (!f) {
        *err = path + ":" + std::to_string(c.second.Mark().line + 1) + ": no field '" + id + "'";
        return false;
      }
      out->fields_[foldKey(header)] = f;
    }
  } catch (const YAML::BadFile&) {
    *err = path + ": cannot open profile";
    return false;
  } catch (const YAML::Exception& e) {
    *err = path + ":" + std::to_string(e.mark.line + 1) + ": " + e.msg;
    return false;
  }
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
