// The languages of what the tools say (--lang): messages, labels and the pages they write.
#pragma once

#include <string_view>

namespace vetkit {

enum class Lang { Zh, En };

/// The code of `lang` as messages.yaml keys it and --lang spells it: "zh" or "en".
constexpr std::string_view langCode(Lang lang) {
  return lang == Lang::En ? "en" : "zh";
}

/// The language of an HTML page in `lang`: "zh-CN" or "en".
constexpr std::string_view htmlLangCode(Lang lang) {
  return lang == Lang::En ? "en" : "zh-CN";
}

/// Reads "zh" or "en" into `*lang`; false (and `*lang` unchanged) for anything else.
constexpr bool parseLang(std::string_view code, Lang* lang) {
  if (code == "zh") return *lang = Lang::Zh, true;
  if (code == "en") return *lang = Lang::En, true;
  return false;
}

}  // namespace vetkit
