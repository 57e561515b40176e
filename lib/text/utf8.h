// Small UTF-8 primitives: the record stream is UTF-8 throughout, so every reader ends here.
#pragma once

#include <string>
#include <string_view>

namespace vetkit {

/// True when `s` is well-formed UTF-8. With `allow_truncated_tail`, an incomplete sequence at
/// the very end is accepted (for checking a chunk cut out of a longer stream).
bool isValidUtf8(std::string_view s, bool allow_truncated_tail = false);

/// Counts the well-formed multi-byte sequences and the invalid bytes of `s`: text in another
/// encoding (GBK) is almost never well-formed UTF-8, so the ratio tells the two apart.
void countUtf8(std::string_view s, size_t* multibyte, size_t* invalid);

/// The length of the leading run of ASCII bytes.
size_t asciiPrefix(std::string_view s);

/// True when every byte is below 0x80.
bool isAscii(std::string_view s);

/// Decodes the code point at `*pos` and advances it; invalid bytes give U+FFFD and advance 1.
char32_t decodeUtf8(std::string_view s, size_t* pos);

/// Appends the UTF-8 form of `cp`.
void appendUtf8(std::string& out, char32_t cp);

/// Copies `s`, replacing each invalid byte with U+FFFD. Returns the number replaced.
size_t sanitizeUtf8(std::string_view s, std::string* out);

/// The one sanitiser of text bound for a terminal or a text file: C0 controls and DEL, C1
/// controls, bidi controls (U+061C, U+200E/F, U+202A–U+202E, U+2066–U+2069) and invalid
/// bytes are appended to `out` escaped — `\x1b`, `\u202e` — so that a cell cannot recolour
/// or clear the screen, retitle the window or reorder what is shown. A backslash is kept as
/// it is (the escapes are for reading, not for parsing back).
void appendTerminalSafe(std::string* out, std::string_view s);
/// appendTerminalSafe() into a new string.
std::string terminalSafe(std::string_view s);

/// Columns a terminal gives `s`: East Asian wide and full-width characters count 2.
size_t displayWidth(std::string_view s);

}  // namespace vetkit
