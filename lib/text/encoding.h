// Chinese Excel saves "CSV" in GBK (GB18030 is its superset); everything inside vetkit is
// UTF-8. This decides which one a file is and converts GB18030 to UTF-8 in a stream.
#pragma once

#include <string>
#include <string_view>

namespace vetkit {

enum class TextEncoding { Auto, Utf8, Gb18030 };

/// Accepts utf-8/utf8, gbk/gb2312/gb18030/cp936 (any case). False for anything else.
bool parseEncodingName(std::string_view name, TextEncoding* out);

/// Converts GB18030 bytes to UTF-8 chunk by chunk: a multi-byte character split across two
/// chunks is carried over. Bytes that are not GB18030 become U+FFFD and are counted.
class Gb18030Decoder {
 public:
  /// Appends the UTF-8 of `in` to `out`; with `final`, an incomplete tail is invalid.
  void decode(std::string_view in, std::string* out, bool final);
  size_t invalidCount() const { return invalid_; }

 private:
  void decodeRun(std::string_view in, std::string* out, bool final);
  std::string pending_;
  size_t invalid_ = 0;
};

}  // namespace vetkit
