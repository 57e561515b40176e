// Chinese Excel saves "CSV" in GBK (GB18030 is its superset); everything inside vetkit is
// UTF-8. This decides which one a file is and converts GB18030 to UTF-8 in a stream.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace vetkit {

enum class TextEncoding { Auto, Utf8, Gb18030 };

/// Accepts utf-8/utf8, gbk/gb2312/gb18030/cp936 (any case). False for anything else.
bool parseEncodingName(std::string_view name, TextEncoding* out);

/// Converts GB18030 bytes to UTF-8 chunk by chunk: a multi-byte character split across two
/// chunks is carried over. Bytes that are not GB18030 become U+FFFD and are counted, and the
/// first one is located, so that a warning can say where to look.
class Gb18030Decoder {
 public:
  /// Appends the UTF-8 of `in` to `out`; with `final`, an incomplete tail is invalid.
  void decode(std::string_view in, std::string* out, bool final);
  size_t invalidCount() const { return invalid_; }
  /// The 0-based offset, among all bytes given to decode(), of the first byte replaced.
  uint64_t firstInvalidOffset() const { return first_invalid_; }

 private:
  // `at`: the offset of in[0] among all bytes given to decode().
  void decodeRun(std::string_view in, uint64_t at, std::string* out, bool final);
  void invalidAt(uint64_t at) {
    if (invalid_++ == 0) first_invalid_ = at;
  }
  std::string pending_;
  uint64_t pending_at_ = 0;          // offset of pending_[0]
  std::unique_ptr<char[]> scratch_;  // a run decoded by pointer, before it is appended
  size_t scratch_size_ = 0;
  uint64_t consumed_ = 0;  // bytes given to decode() so far
  size_t invalid_ = 0;
  uint64_t first_invalid_ = 0;
};

/// `utf8` (well-formed UTF-8) in GB18030 into `*out`; false with `err` when it cannot be.
bool encodeGb18030(std::string_view utf8, std::string* out, std::string* err);

/// The index of the first byte of `s` that is not well-formed UTF-8 (one that sanitizeUtf8
/// replaces), or npos.
size_t firstInvalidUtf8(std::string_view s);

}  // namespace vetkit
