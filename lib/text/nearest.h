// "Did you mean …?": the known name closest to a mistyped one (an option, a field id), by
// edit distance over characters, so that a typo gets an answer instead of only a refusal.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace vetkit {

/// The name of `names` nearest to `typed` (Levenshtein distance over UTF-8 characters, case
/// folded for ASCII), when it is close enough to be a typo of it: at most a third of its
/// length apart, and at most 3. Empty when none is.
std::string nearestName(std::string_view typed, const std::vector<std::string>& names);

}  // namespace vetkit
