// What every tool shares on its command line: the common options with one meaning everywhere
// (-o, --schema, --format, --lang, -q, --no-mask, --version), the exit-code footer, and the
// mapping of CLI11's outcomes to the exit-code table.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>
#include <string>

#include "core/diag.h"
#include "import/importer.h"
#include "schema/profile.h"
#include "schema/schema.h"
#include "text/date.h"
#include "text/encoding.h"

namespace vetkit {

struct CommonOptions {
  std::string output = "-";
  std::string schema;  // empty: Schema::defaultPath()
  std::string format;
  Lang lang = Lang::Zh;
  bool quiet = false;
  bool no_mask = false;

  /// --schema, or the schema vetkit ships.
  std::string schemaPath() const { return schema.empty() ? Schema::defaultPath() : schema; }
  /// The schema, its catalogue speaking `lang` for the library's own texts from now on
  /// (core/text_catalogue.h); null with `err`.
  std::unique_ptr<Schema> loadSchema(std::string* err) const;
  /// The same for a tool that reads no schema (vetsign): the library's own texts speak `lang`
  /// from the messages.yaml installed beside the schema; English when it cannot be read.
  void speak() const;
};

enum CommonFlags : unsigned {
  kOptOutput = 1u << 0,
  kOptSchema = 1u << 1,
  kOptFormat = 1u << 2,
  kOptLang = 1u << 3,
  kOptQuiet = 1u << 4,
  kOptNoMask = 1u << 5,
};

/// Adds the common options selected by `flags` to `app`, with their shared help texts.
void addCommonOptions(CLI::App& app, CommonOptions* opts, unsigned flags,
                      const std::string& formats = "");

/// --encoding, for the tools that read CSV besides the record stream. The name is checked in
/// the tool's body by parseEncodingOption(), so that a wrong one is the tool's usage error.
void addEncodingOption(CLI::App& app, std::string* encoding);
/// --sheet, --header-row and --encoding: what a tool that reads spreadsheets may be told.
void addSpreadsheetOptions(CLI::App& app, std::string* sheet, int* header_row,
                           std::string* encoding);
/// --max-inflated SIZE (1G, 512M, bytes): what an .xlsx input may inflate to in all, for the
/// tools that read spreadsheets; 0 (not given) keeps the default (lib/io/zip_file.h).
void addMaxInflatedOption(CLI::App& app, uint64_t* bytes);
/// --profile FILE, --map '表头=字段' (repeatable) and --skip-hidden: which column of a sheet
/// is which field, and whether hidden sheets are read, for every tool that reads
/// spreadsheets. A mapped sheet keeps every missing-column check.
struct MappingOptions {
  std::string profile;
  std::vector<std::string> maps;
  bool skip_hidden = false;
};
void addMappingOptions(CLI::App& app, MappingOptions* opts);
/// Reads --profile into `profile` and adds each --map to it; `import` is pointed at it when
/// either was given, and told --skip-hidden. False, with the error printed in `lang`, when the
/// profile cannot be read or a mapping names no field.
bool loadMappingOptions(const std::string& tool, const Schema& schema, const MappingOptions& opts,
                        Lang lang, Profile* profile, ImportOptions* import);

/// Reads the --encoding name into `out`; false, with the usage error printed, when unknown.
bool parseEncodingOption(const std::string& tool, const std::string& encoding, TextEncoding* out);

/// Reads --today into `out`, today's local date when it is empty; false, with the usage error
/// printed, when it is not a date.
bool parseTodayOption(const std::string& tool, const std::string& today, PartialDate* out);
/// Now in Beijing time (UTC+8, no daylight saving since 1991), "YYYY-MM-DD HH:MM": when a
/// report was made. SOURCE_DATE_EPOCH, when set, stands for now (reproducible outputs, tests).
std::string beijingNow();

/// Parses argv and runs `body`; CLI11 errors become exit 2 with a one-line message naming the
/// tool, --help and --version exit 0. A broken pipe (reader went away) ends quietly.
int runTool(CLI::App& app, int argc, char** argv, const std::function<int()>& body);

/// Prints a diagnostic to stderr as `TOOL: severity: location: message`.
void printDiagnostic(const std::string& tool, const Diagnostic& d);

/// Prints `TOOL: error: message` to stderr.
void printError(const std::string& tool, const std::string& message);

/// The footer every --help ends with.
extern const char kExitStatusHelp[];

}  // namespace vetkit
