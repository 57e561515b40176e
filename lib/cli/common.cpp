#include "cli/common.h"

#include <algorithm>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <ctime>

#include "cli/help_lang.h"
#include "cli/progress.h"
#include "core/exit_status.h"
#include "core/text_catalogue.h"
#include "text/nearest.h"
#include "text/utf8.h"

namespace vetkit {

const char kExitStatusHelp[] =
    "Exit status: 0 ok, 1 findings (problems in the data), 2 trouble (usage, I/O, unreadable "
    "input).";

std::unique_ptr<Schema> CommonOptions::loadSchema(std::string* err) const {
  // The installed catalogue speaks for the schema's own load errors; the schema's, once loaded.
  speak();
  auto loaded = Schema::load(schemaPath(), err);
  if (loaded) loaded->messages().speak(lang);
  return loaded;
}

void CommonOptions::speak() const {
  if (const Messages* messages = cliMessages()) messages->speak(lang);
}

void addCommonOptions(CLI::App& app, CommonOptions* opts, unsigned flags,
                      const std::string& formats) {
  if (flags & kOptOutput)
    app.add_option("-o,--output", opts->output,
                   "Write to FILE (atomically: whole or not at all); - is stdout")
        ->capture_default_str()
        ->type_name("FILE");
  if (flags & kOptSchema)
    app.add_option("--schema", opts->schema, "Schema YAML (default: the installed veteran.yaml)")
        ->type_name("FILE");
  if (flags & kOptFormat)
    app.add_option("--format", opts->format, "Output format: " + formats)->type_name("FORMAT");
  if (flags & kOptLang)
    app.add_option_function<std::string>(
           "--lang", [opts](const std::string& code) { parseLang(code, &opts->lang); },
           "Language of messages: zh or en")
        ->check(CLI::IsMember({"zh", "en"}))
        ->default_str(std::string(langCode(opts->lang)));
  if (flags & kOptQuiet) app.add_flag("-q,--quiet", opts->quiet, "Print no summary or progress");
  if (flags & kOptNoMask)
    app.add_flag("--no-mask", opts->no_mask, "Print identity and phone numbers in full");
  // A subcommand answers with its tool's name: `vetsign sign --version` is vetsign's version.
  const CLI::App* root = &app;
  while (root->get_parent()) root = root->get_parent();
  app.set_version_flag("--version", root->get_name() + " (vetkit) " VETKIT_VERSION);
  app.footer(kExitStatusHelp);
}

void addEncodingOption(CLI::App& app, std::string* encoding) {
  app.add_option("--encoding", *encoding, "CSV encoding: auto, utf-8 or gbk")
      ->capture_default_str();
}

void addSpreadsheetOptions(CLI::App& app, std::string* sheet, int* header_row,
                           std::string* encoding) {
  app.add_option("--sheet", *sheet, "Spreadsheets: read only this sheet")->type_name("NAME");
  app.add_option("--header-row", *header_row, "Spreadsheets: the header row")->type_name("N");
  addEncodingOption(app, encoding);
}

void addMaxInflatedOption(CLI::App& app, uint64_t* bytes) {
  app.add_option("--max-inflated", *bytes,
                 "Refuse an .xlsx that inflates past SIZE in all (default 4G; 2G a part)")
      ->transform(CLI::AsSizeValue(false))
      ->type_name("SIZE");
}

void addMappingOptions(CLI::App& app, MappingOptions* opts) {
  app.add_option("--profile", opts->profile,
                 "Map columns to fields with a profile (columns: {header: field})")
      ->type_name("FILE");
  app.add_option("--map", opts->maps,
                 "Read the column headed HEADER as FIELD (id or label); repeatable")
      ->type_name("'HEADER=FIELD'")
      ->allow_extra_args(false);  // one mapping an occurrence: the files after it are files
  app.add_flag("--skip-hidden", opts->skip_hidden,
               "Skip hidden sheets (still named in a warning, with their rows)");
}

bool loadMappingOptions(const std::string& tool, const Schema& schema, const MappingOptions& opts,
                        Lang lang, Profile* profile, ImportOptions* import) {
  import->skip_hidden = opts.skip_hidden;
  if (opts.profile.empty() && opts.maps.empty()) return true;
  std::string err;
  if (!opts.profile.empty() && !Profile::load(opts.profile, schema, profile, &err, lang))
    return printError(tool, err), false;
  for (const std::string& m : opts.maps)
    if (!profile->addMapping(m, schema, &err, lang)) return printError(tool, err), false;
  import->profile = profile;
  return true;
}

bool parseEncodingOption(const std::string& tool, const std::string& encoding, TextEncoding* out) {
  if (parseEncodingName(encoding, out)) return true;
  printError(tool, "--encoding: unknown encoding '" + encoding + "'");
  return false;
}

bool parseTodayOption(const std::string& tool, const std::string& today, PartialDate* out) {
  if (today.empty()) {
    std::time_t now = std::time(nullptr);
    std::tm tm{};
    localtime_r(&now, &tm);
    *out = {tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday};
    return true;
  }
  if (parseDate(today, out)) return true;
  printError(tool, "--today: not a date: " + today);
  return false;
}

std::string beijingNow() {
  std::time_t now = std::time(nullptr);
  if (const char* epoch = std::getenv("SOURCE_DATE_EPOCH"); epoch && *epoch) {
    char* end = nullptr;
    long long v = std::strtoll(epoch, &end, 10);
    if (*end == '\0' && v >= 0) now = std::time_t(v);
  }
  // China keeps one zone at UTC+8 and no summer time: a fixed offset needs no tz database,
  // which a minimal container may lack.
  now += 8 * 3600;
  std::tm tm{};
  gmtime_r(&now, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M", &tm);
  return buf;
}

namespace {

// " (did you mean --conflicts?)" for the first long option on the command line that the tool
// does not have but nearly has; "" when there is none.
std::string didYouMean(CLI::App& app, int argc, char** argv, const Messages* m, Lang lang) {
  std::vector<std::string> names;
  for (const CLI::Option* o : app.get_options())
    for (const std::string& n : o->get_lnames()) names.push_back("--" + n);
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (arg == "--") break;
    if (!arg.starts_with("--")) continue;
    std::string name(arg.substr(0, arg.find('=')));
    if (std::find(names.begin(), names.end(), name) != names.end()) continue;
    if (std::string near = nearestName(name, names); !near.empty())
      return m ? m->format("usage-did-you-mean", lang, {{"option", near}})
               : " (did you mean " + near + "?)";
  }
  return "";
}

}  // namespace

int runTool(CLI::App& app, int argc, char** argv, const std::function<int()>& body) {
  // A closed pipe shows up as EPIPE on write, which the writers treat as a clean end.
  std::signal(SIGPIPE, SIG_IGN);
  // --help and usage errors speak the language asked for, before anything else is parsed.
  Lang lang = cliLang(argc, argv);
  const Messages* messages = cliMessages();
  if (messages) localizeApp(app, *messages, lang);
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    // One line in the style of every other diagnostic, so that scripts can rely on it.
    std::string message = messages ? usageErrorText(e, *messages, lang) : e.what();
    for (char& c : message)
      if (c == '\n') c = ' ';
    std::string see = messages ? messages->format("usage-see-help", lang, {}) : " (see --help)";
    printError(app.get_name(), message + didYouMean(app, argc, argv, messages, lang) + see);
    return kExitTrouble;
  }
  try {
    return body();
  } catch (const std::bad_alloc&) {
    printError(app.get_name(), tr("out of memory"));
  } catch (const std::exception& e) {
    printError(app.get_name(), std::string("internal error: ") + e.what());
  }
  return kExitTrouble;
}

void printDiagnostic(const std::string& tool, const Diagnostic& d) {
  // Cells and header cells reach these lines: ESC and bidi controls are shown escaped.
  std::string line = tool + ": " + severityName(d.severity) + ": " +
                     terminalSafe(formatLocation(d) + ": " + formatMessage(d)) + "\n";
  ProgressDisplay::writeMessage(line);  // not run on from a progress line
}

void printError(const std::string& tool, const std::string& message) {
  std::string line = tool + ": error: " + terminalSafe(message) + "\n";
  ProgressDisplay::writeMessage(line);
}

}  // namespace vetkit
