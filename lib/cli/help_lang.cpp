#include "cli/help_lang.h"

#include <cstdlib>
#include <regex>

#include "cli/common.h"
#include "schema/schema.h"

namespace vetkit {

namespace {

// "LANG=en_US.UTF-8" says English; C and POSIX say nothing about a language.
bool namesLanguage(const char* v) {
  if (!v || !*v) return false;
  std::string_view s(v);
  return !(s == "C" || s == "POSIX" || s.starts_with("C."));
}

// The app's name within its tool: "vetsign" or "vetsign-verify".
std::string appPath(const CLI::App& app) {
  return app.get_parent() ? appPath(*app.get_parent()) + "-" + app.get_name() : app.get_name();
}

// What an option is called in the catalogue: its long name, else its positional name.
std::string optionKey(const CLI::Option& o) {
  if (!o.get_lnames().empty()) return o.get_lnames()[0];
  return o.get_name(true, false);
}

}  // namespace

Lang cliLang(int argc, char** argv) {
  Lang lang = Lang::Zh;
  for (int i = 1; i < argc; ++i) {
    std::string_view a = argv[i];
    if (a == "--") break;
    if (a == "--lang" && i + 1 < argc && parseLang(argv[i + 1], &lang)) return lang;
    if (a.starts_with("--lang=") && parseLang(a.substr(7), &lang)) return lang;
  }
  for (const char* name : {"LC_ALL", "LC_MESSAGES", "LANG"}) {
    const char* v = std::getenv(name);
    if (namesLanguage(v)) return std::string_view(v).starts_with("en") ? Lang::En : Lang::Zh;
  }
  return Lang::Zh;
}

const Messages* cliMessages() {
  static Messages messages;
  static bool ok = [] {
    std::string path = Schema::defaultPath(), err;
    path = path.substr(0, path.rfind('/') + 1) + "messages.yaml";
    return messages.load(path, &err);
  }();
  return ok ? &messages : nullptr;
}

void localizeApp(CLI::App& app, const Messages& m, Lang lang) {
  std::string path = appPath(app);
  if (const std::string* t = m.find("help-" + path, lang)) app.description(*t);
  const std::string* own_footer = m.find("help-footer-" + path, lang);
  if (!own_footer) own_footer = m.find("help-footer-" + path.substr(0, path.find('-')), lang);
  if (const std::string* t = own_footer) {
    app.footer(*t);
  } else if (const std::string* t = m.find("help-exit-status", lang)) {
    std::string footer = app.get_footer(), english = kExitStatusHelp;
    if (footer.ends_with(english))
      app.footer(footer.substr(0, footer.size() - english.size()) + *t);
  }
  std::string group = m.format("help-group-options", lang, {});
  for (CLI::Option* o : app.get_options()) {
    std::string key = optionKey(*o);
    const std::string* t = m.find("opt-" + path + "-" + key, lang);
    if (!t) t = m.find("opt-" + key, lang);
    if (t) o->description(*t);
    if (o->get_group() == "Options") o->group(group);
  }
  auto fmt = app.get_formatter();
  for (const char* label : {"Usage", "OPTIONS", "SUBCOMMAND", "SUBCOMMANDS", "Positionals",
                            "REQUIRED", "Needs", "Excludes"})
    if (const std::string* t = m.find(std::string("help-label-") + label, lang))
      fmt->label(label, *t);
  for (CLI::App* sub : app.get_subcommands({})) {
    if (sub->get_group() == "Subcommands") sub->group(m.format("help-group-subcommands", lang, {}));
    localizeApp(*sub, m, lang);
  }
}

std::string usageErrorText(const CLI::ParseError& e, const Messages& m, Lang lang) {
  std::string what = e.what();
  for (char& c : what)
    if (c == '\n') c = ' ';
  if (lang == Lang::En) return what;
  // CLI11 words its errors in English; the common ones are put in the operator's language
  // with the option they name, the rest keep CLI11's detail after a Chinese opening.
  static const std::vector<std::pair<std::regex, std::string>> kForms = {
      {std::regex("^The following arguments? (?:was|were) not expected: (.*)$"), "usage-extras"},
      {std::regex("^(\\S+) is required$"), "usage-required"},
      {std::regex("^(\\S+): \\d+ required \\S+ missing$"), "usage-missing-value"},
      {std::regex("^(\\S+): At least (\\d+) required but received (\\d+)$"), "usage-too-few"},
      {std::regex("^(\\S+): (.*) not in \\{(.*)\\}$"), "usage-not-member"},
      {std::regex("^Could not convert: (\\S+) = (.*)$"), "usage-not-convertible"},
      {std::regex("^(\\S+): (.*)$"), "usage-invalid"},
      {std::regex("^(\\S+) requires (\\S+)$"), "usage-requires"},
      {std::regex("^(\\S+) excludes (\\S+)$"), "usage-excludes"},
  };
  std::smatch sm;
  for (const auto& [re, key] : kForms) {
    if (!std::regex_match(what, sm, re)) continue;
    MessageArgs args;
    for (size_t i = 1; i < sm.size(); ++i) args.emplace_back(std::to_string(i), sm[i].str());
    // Extras that are options are options the tool does not have.
    if (key == "usage-extras" && sm[1].str().starts_with("-"))
      return m.format("usage-unknown-option", lang, args);
    return m.format(key, lang, args);
  }
  return m.format("usage-other", lang, {{"1", what}});
}

}  // namespace vetkit
