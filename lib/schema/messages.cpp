#include "schema/messages.h"

#include <yaml-cpp/yaml.h>

namespace vetkit {

bool Messages::load(const std::string& path, std::string* err) {
  try {
    YAML::Node root = YAML::LoadFile(path);
    for (const auto& entry : root) {
      std::string code = entry.first.as<std::string>();
      for (const auto& lang : entry.second)
        text_[code + "\t" + lang.first.as<std::string>()] = lang.second.as<std::string>();
    }
  } catch (const YAML::BadFile&) {
    *err = path + ": cannot open messages";
    return false;
  } catch (const YAML::Exception& e) {
    *err = path + ":" + std::to_string(e.mark.line + 1) + ": " + e.msg;
    return false;
  }
  return true;
}

std::string Messages::format(std::string_view code, Lang lang, const MessageArgs& args) const {
  std::string key(code);
  auto it = text_.find(key + "\t" + std::string(langCode(lang)));
  if (it == text_.end()) it = text_.find(key + "\ten");
  std::string tmpl = it == text_.end() ? key : it->second;
  std::string out;
  out.reserve(tmpl.size() + 32);
  size_t i = 0;
  while (i < tmpl.size()) {
    size_t open = tmpl.find('{', i);
    size_t close = open == std::string::npos ? open : tmpl.find('}', open);
    if (close == std::string::npos) {
      out.append(tmpl, i);
      break;
    }
    out.append(tmpl, i, open - i);
    std::string_view name(tmpl.data() + open + 1, close - open - 1);
    const std::string* value = nullptr;
    for (const auto& arg : args)
      if (arg.first == name) value = &arg.second;
    if (value) {
      out.append(*value);
    } else {
      out.append(tmpl, open, close - open + 1);
    }
    i = close + 1;
  }
  return out;
}

const std::string* Messages::find(std::string_view code, Lang lang) const {
  auto it = text_.find(std::string(code) + "\t" + std::string(langCode(lang)));
  return it == text_.end() ? nullptr : &it->second;
}

std::string Messages::ruleName(std::string_view code, Lang lang) const {
  std::string key = "rule-" + std::string(code), name = format(key, lang, {});
  if (name == key) return std::string(code);
  // The code stays beside the name: it is what the manuals, --config and scripts use.
  return name + (lang == Lang::Zh ? "（" : " (") + std::string(code) +
         (lang == Lang::Zh ? "）" : ")");
}

}  // namespace vetkit
