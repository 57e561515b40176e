// Limits every reader holds hostile input to, shared so that the tools agree on them.
#pragma once

#include <cstddef>
#include <string>

namespace vetkit {

/// The longest line a reader buffers whole — a CSV row without quoted line breaks, a line of
/// the record stream: far more than a row of 16,384 cells of real data needs, far less than a
/// hostile file could ask. A longer line is refused (CSV) or skipped unread (record stream).
inline constexpr size_t kMaxLineBytes = size_t(16) << 20;

/// "16 MiB", for messages about kMaxLineBytes.
inline std::string maxLineText() {
  return std::to_string(kMaxLineBytes >> 20) + " MiB";
}

}  // namespace vetkit
