// Diagnostic messages by rule code and language, read from schemas/messages.yaml so that a
// site can reword them without recompiling.
#pragma once

#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "core/lang.h"
#include "core/text_catalogue.h"

namespace vetkit {

using MessageArgs = TextArgs;

class Messages {
 public:
  Messages() = default;
  Messages(const Messages&) = default;
  Messages& operator=(const Messages&) = default;
  /// Uninstalls its texts if they are the ones speak() installed.
  ~Messages();
  /// Reads a messages file; false with `err` set when it is missing or malformed.
  bool load(const std::string& path, std::string* err);
  /// The message for `code` in `lang` with {name} placeholders filled; falls back to English,
  /// then to the code itself.
  std::string format(std::string_view code, Lang lang, const MessageArgs& args) const;
  /// How people are shown a rule: its name (messages key "rule-" + code) and the code, as in
  /// "身份证号码校验位错误（id-checksum）"; the code alone when the catalogue has no name.
  std::string ruleName(std::string_view code, Lang lang) const;
  /// The template of `code` in `lang` exactly (no fallback), or nullptr.
  const std::string* find(std::string_view code, Lang lang) const;
  /// Makes the library's own texts (core/text_catalogue.h) speak `lang` for the rest of the
  /// process: the `texts:` block's Chinese for zh, their English for en. Call once, at start.
  void speak(Lang lang) const;

 private:
  std::unordered_map<std::string, std::string> text_;  // "code\tlang" -> template
  TextCatalogue texts_;                                // English -> 中文
};

}  // namespace vetkit
