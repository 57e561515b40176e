// Times in signature and trust files: UTC, to the second, ISO 8601 with a Z.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace vetkit {

/// Parses "YYYY-MM-DDTHH:MM:SSZ" or a bare "YYYY-MM-DD" (midnight UTC) into Unix seconds.
bool parseUtcTime(std::string_view text, int64_t* seconds);

/// Formats Unix seconds as "YYYY-MM-DDTHH:MM:SSZ".
std::string formatUtcTime(int64_t seconds);

/// The current time in Unix seconds.
int64_t currentUtcTime();

}  // namespace vetkit
