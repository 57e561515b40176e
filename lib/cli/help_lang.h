// --help and usage errors in the operator's language. Every tool builds its CLI11 app with
// English option descriptions (the catalogue's source text); before parsing, runTool() reads
// --lang (or the locale) and replaces the app's usage text, option descriptions, group titles
// and CLI11's own labels with the entries of schemas/messages.yaml in that language:
//   help-TOOL[-SUBCOMMAND]          the usage text (purpose, notes, examples)
//   opt-TOOL[-SUBCOMMAND]-NAME      an option's description (NAME: long name or positional)
//   opt-NAME                        a common option's description, shared by every tool
// An entry missing in the language keeps the text the tool was built with.
#pragma once

#include <CLI/CLI.hpp>
#include <string>

#include "core/lang.h"
#include "schema/messages.h"

namespace vetkit {

/// The language of --help and usage errors: --lang zh|en on the command line, else the first
/// of LC_ALL, LC_MESSAGES, LANG that names a language (en* is English), else Chinese.
Lang cliLang(int argc, char** argv);

/// The messages catalogue the installed schema ships (nullptr when it cannot be read).
const Messages* cliMessages();

/// Puts `app` (and its subcommands) into `lang` from `messages`.
void localizeApp(CLI::App& app, const Messages& messages, Lang lang);

/// A CLI11 parse error as one line in `lang`: what was wrong, with the option it concerns.
std::string usageErrorText(const CLI::ParseError& e, const Messages& messages, Lang lang);

}  // namespace vetkit
