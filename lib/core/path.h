// Names of files as the tools show them and write them into what they produce.
#pragma once

#include <string>
#include <string_view>

namespace vetkit {

/// The last component of `path` (after the last '/'): the name a signature block or a marked
/// workbook records, without the directories of the machine it was made on. "" for "dir/".
inline std::string baseName(std::string_view path) {
  size_t slash = path.find_last_of('/');
  return std::string(slash == std::string_view::npos ? path : path.substr(slash + 1));
}

}  // namespace vetkit
