// Whole-file reads with a size limit (key, trust and signature files are small; a huge one is
// malformed, not a reason to exhaust memory) and no-clobber creation of secret files.
#pragma once

#include <string>
#include <string_view>

namespace vetkit {

/// Reads all of `path` into `text`; false with `err` ("PATH: reason") on I/O trouble or when
/// the file is larger than `max_size`.
bool readSmallFile(const std::string& path, size_t max_size, std::string* text, std::string* err);

/// Creates `path` with `data` and mode `mode`, atomically and never over an existing file: a
/// temporary file (O_EXCL) is written, synced and hard-linked to `path`, which fails if `path`
/// exists.
bool createNewFile(const std::string& path, std::string_view data, unsigned mode, std::string* err);

}  // namespace vetkit
