// vetsign encrypt and decrypt: a batch sealed for one recipient's key, to travel by USB stick
// or e-mail (the library side is lib/sign/envelope.*).
#pragma once

#include <CLI/CLI.hpp>
#include <string>

#include "cli/common.h"

namespace vetkit {

struct CryptCommands {
  CLI::App* encrypt = nullptr;
  CLI::App* decrypt = nullptr;
  CommonOptions common;
  std::string recipient, key_path, passphrase_file, file, output;

  /// True when one of the two subcommands was given.
  bool parsed() const { return encrypt->parsed() || decrypt->parsed(); }
  /// Runs the one that was given; returns the exit code (0, 1 not authentic, 2 trouble).
  int run();
};

/// Adds the encrypt and decrypt subcommands to `app`, with `footer` on their --help.
void addCryptCommands(CLI::App& app, CryptCommands* commands, const std::string& footer);

}  // namespace vetkit
