#include "text/encoding.h"

#include <cstring>

#include <iconv.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <memory>

#include "text/utf8.h"

namespace vetkit {

namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = char(c - 'A' + 'a');
  return out;
}

// iconv for the rare 4-byte sequences, and to build the 2-byte table once.
bool iconvToUtf8(std::string_view in, std::string* out) {
  iconv_t cd = iconv_open("UTF-8", "GB18030");
  if (cd == iconv_t(-1)) return false;
  char buf[16];
  char* src = const_cast<char*>(in.data());
  size_t src_left = in.size();
  char* dst = buf;
  size_t dst_left = sizeof buf;
  bool ok = iconv(cd, &src, &src_left, &dst, &dst_left) != size_t(-1) && src_left == 0;
  iconv_close(cd);
  if (ok) out->assign(buf, size_t(dst - buf));
  return ok;
}

// The two-byte plane (lead 0x81-0xFE, trail 0x40-0xFE except 0x7F) decoded once through iconv,
// so the hot loop is a table look-up. Each entry packs up to 3 UTF-8 bytes and their count.
class TwoByteTable {
 public:
  TwoByteTable() {
    iconv_t cd = iconv_open("UTF-8", "GB18030");
    for (int lead = 0x81; lead <= 0xFE; ++lead) {
      for (int trail = 0x40; trail <= 0xFE; ++trail) {
        if (trail == 0x7F) continue;
        char in[2] = {char(lead), char(trail)};
        char outb[8];
        char* src = in;
        size_t src_left = 2;
        char* dst = outb;
        size_t dst_left = sizeof outb;
        uint32_t entry = 0;
        if (cd != iconv_t(-1) && iconv(cd, &src, &src_left, &dst, &dst_left) != size_t(-1)) {
          size_t n = size_t(dst - outb);
          if (n >= 1 && n <= 3) {
            entry = uint32_t(n) << 24;
            for (size_t k = 0; k < n; ++k) entry |= uint32_t(uint8_t(outb[k])) << (8 * k);
          }
        }
        if (cd != iconv_t(-1)) iconv(cd, nullptr, nullptr, nullptr, nullptr);
        table_[(lead - 0x81) * 191 + (trail - 0x40)] = entry;
      }
    }
    if (cd != iconv_t(-1)) iconv_close(cd);
  }
  uint32_t at(uint8_t lead, uint8_t trail) const {
    return table_[(lead - 0x81) * 191 + (trail - 0x40)];
  }

 private:
  std::array<uint32_t, 126 * 191> table_{};
};

const TwoByteTable& twoByteTable() {
  static const TwoByteTable table;
  return table;
}

const char kReplacement[] = "\xEF\xBF\xBD";

}  // namespace

bool parseEncodingName(std::string_view name, TextEncoding* out) {
  std::string n = lower(name);
  if (n == "utf-8" || n == "utf8") {
    *out = TextEncoding::Utf8;
  } else if (n == "gbk" || n == "gb2312" || n == "gb18030" || n == "cp936") {
    *out = TextEncoding::Gb18030;
  } else if (n == "auto") {
    *out = TextEncoding::Auto;
  } else {
    return false;
  }
  return true;
}

void Gb18030Decoder::decode(std::string_view chunk, std::string* out, bool final) {
  uint64_t at = consumed_;
  consumed_ += chunk.size();
  // Finish the character cut at the end of the last chunk with the bytes it still needs, in a
  // small buffer: joining whole chunks would copy a megabyte each time. When those bytes turn
  // out not to be a character, the first is replaced and the rest may begin another cut
  // sequence, so this goes round until one is finished or the chunk is used up.
  while (!pending_.empty()) {
    if (chunk.empty() && !final) return;
    std::string head = std::move(pending_);
    pending_.clear();
    unsigned char second = head.size() >= 2 ? static_cast<unsigned char>(head[1])
                           : chunk.empty()  ? 0
                                            : static_cast<unsigned char>(chunk[0]);
    size_t need = second >= 0x30 && second <= 0x39 ? 4 : 2;
    size_t take = std::min(need > head.size() ? need - head.size() : 0, chunk.size());
    head.append(chunk.substr(0, take));
    chunk.remove_prefix(take);
    at += take;
    decodeRun(head, pending_at_, out, final && chunk.empty());
  }
  decodeRun(chunk, at, out, final);
}

void Gb18030Decoder::decodeRun(std::string_view in, uint64_t at, std::string* out, bool final) {
  const TwoByteTable& table = twoByteTable();
  const auto* p = reinterpret_cast<const uint8_t*>(in.data());
  size_t n = in.size(), i = 0;
  // Written by pointer into room for the worst case, three bytes out for each byte in (U+FFFD
  // for a stray byte), then appended in one piece: no capacity check per character.
  if (scratch_size_ < 3 * n) {
    scratch_size_ = 3 * n;
    scratch_.reset(new char[scratch_size_]);
  }
  char* o = scratch_.get();
  auto replacement = [&] {
    std::memcpy(o, kReplacement, 3);
    o += 3;
    invalidAt(at + i);
  };
  while (i < n) {
    // ASCII, which is most of a county's file, eight bytes at a time.
    for (uint64_t w; i + 8 <= n; i += 8, o += 8) {
      std::memcpy(&w, p + i, 8);
      if (w & 0x8080808080808080ull) break;
      std::memcpy(o, &w, 8);
    }
    while (i < n && p[i] < 0x80) *o++ = char(p[i++]);
    if (i == n) break;
    uint8_t lead = p[i];
    if (lead == 0x80 || lead == 0xFF) {
      replacement(), ++i;
      continue;
    }
    if (i + 1 >= n) {
      if (!final)
        pending_.assign(in.substr(i)), pending_at_ = at + i;
      else
        replacement();
      break;
    }
    uint8_t second = p[i + 1];
    if (second >= 0x30 && second <= 0x39) {  // four-byte sequence
      if (i + 4 > n) {
        if (!final)
          pending_.assign(in.substr(i)), pending_at_ = at + i;
        else
          replacement();
        break;
      }
      std::string utf8;  // at most four bytes, for four in
      if (iconvToUtf8(in.substr(i, 4), &utf8) && utf8.size() <= 4) {
        std::memcpy(o, utf8.data(), utf8.size());
        o += utf8.size();
        i += 4;
      } else {
        replacement(), ++i;
      }
      continue;
    }
    uint32_t entry =
        (second >= 0x40 && second <= 0xFE && second != 0x7F) ? table.at(lead, second) : 0;
    if (entry == 0) {
      replacement(), ++i;
      continue;
    }
    size_t len = entry >> 24;  // two bytes in, at most three out
    for (size_t k = 0; k < len; ++k) o[k] = char(entry >> (8 * k) & 0xFF);
    o += len;
    i += 2;
  }
  out->append(scratch_.get(), size_t(o - scratch_.get()));
}

size_t firstInvalidUtf8(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    size_t start = i;
    char32_t cp = decodeUtf8(s, &i);
    // As sanitizeUtf8 decides: U+FFFD written in the text is three bytes, a bad byte one.
    if (cp == 0xFFFD && i == start + 1 && static_cast<unsigned char>(s[start]) >= 0x80)
      return start;
  }
  return std::string_view::npos;
}

}  // namespace vetkit
