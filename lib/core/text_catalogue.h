// The library's own texts — a reader's "not a zip file", a key's "wrong passphrase", a file's
// "No such file or directory" — are written in English where they arise, as gettext's msgids
// are, and translated where they are made: a tool that speaks Chinese installs the catalogue
// of schemas/messages.yaml (its `texts:` block, English → 中文) once at start, before any
// thread, and every tr() after that is in the user's language. So the readers, the signer
// and the store keep their plain `std::string* err` and need no language passed down; without
// a catalogue (the unit tests, --lang en) the English is the text.
#pragma once

#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace vetkit {

/// {name} placeholders and their values.
using TextArgs = std::vector<std::pair<std::string, std::string>>;

/// `tmpl` with each {name} that `args` names replaced by its value; other braces kept.
std::string fillPlaceholders(std::string_view tmpl, const TextArgs& args);

/// English text → its translation. Installed for the whole process; null: English.
using TextCatalogue = std::unordered_map<std::string, std::string>;
void setTextCatalogue(const TextCatalogue* catalogue);
const TextCatalogue* installedTextCatalogue();

/// `english` (a template with {name} placeholders) in the installed language, filled.
std::string tr(std::string_view english, const TextArgs& args = {});

/// What the system says of errno `e` (strerror), in the installed language.
std::string errnoText(int e);

}  // namespace vetkit
