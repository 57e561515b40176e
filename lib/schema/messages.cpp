#include "schema/messages.h"

#include <yaml-cpp/yaml.h>

#include "core/text_catalogue.h"

namespace vetkit {

bool Messages::load(const std::string& path, std::string* err) {
  try {
    YAML::Node root = YAML::LoadFile(path);
    for (const auto& entry : root) {
      std::string code = entry.first.as<std::string>();
      // `texts:` holds the library's English texts and their Chinese (core/text_catalogue.h).
      if (code == "texts") {
        for (const auto& t : entry.second)
          texts_[t.first.as<std::string>()] = t.second.as<std::string>();
        continue;
      }
      for (const auto& lang : entry.second)
        text_[code + "\t" + lang.first.as<std::string>()] = lang.second.as<std::string>();
    }
  } catch (const YAML::BadFile&) {
    *err = path + ": " + tr("cannot open messages");
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
  return fillPlaceholders(tmpl, args);
}

Messages::~Messages() {
  if (installedTextCatalogue() == &texts_) setTextCatalogue(nullptr);
}

void Messages::speak(Lang lang) const {
  setTextCatalogue(lang == Lang::Zh ? &texts_ : nullptr);
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
