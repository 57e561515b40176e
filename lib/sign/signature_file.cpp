#include "sign/signature_file.h"

#include <algorithm>
#include <array>
#include <charconv>

#include "core/text_catalogue.h"

namespace vetkit {

namespace {

// Header fields in their only allowed order; `covers` repeats, `sm2-id` exists for SM2 only.
constexpr std::array<std::string_view, 14> kFieldOrder = {
    "version", "algorithm", "key-id", "sm2-id",    "public-key", "signer",    "role",
    "file",    "size",      "digest", "signed-at", "covers",     "signature", "comment"};

bool isLowerHex(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
  });
}

// Text fields may hold any UTF-8 but no control characters: they end up in messages.
bool isPlainText(std::string_view s) {
  return std::none_of(s.begin(), s.end(),
                      [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; });
}

bool isFileName(std::string_view s) {
  return !s.empty() && s != "." && s != ".." && s.find('/') == std::string_view::npos &&
         isPlainText(s);
}

bool isTimestamp(std::string_view s) {
  // YYYY-MM-DDTHH:MM:SSZ, checked for shape; the range of each part is checked by parseUtcTime.
  static constexpr std::string_view kShape = "dddd-dd-ddTdd:dd:ddZ";
  if (s.size() != kShape.size()) return false;
  for (size_t i = 0; i < s.size(); ++i)
    if (kShape[i] == 'd' ? !(s[i] >= '0' && s[i] <= '9') : s[i] != kShape[i]) return false;
  return true;
}

struct Line {
  std::string_view name, value, raw;  // raw includes the newline
  int number;
};

std::string at(int number, const std::string& what) {
  return tr("line {line}: {problem}", {{"line", std::to_string(number)}, {"problem", what}});
}

// Checks the collected lines of one block and fills `block`.
bool parseBlock(const std::vector<Line>& lines, int begin_line, SignatureBlock* block,
                std::string* err) {
  size_t i = 0;
  if (i < lines.size() && lines[i].name == "comment")
    block->comment = std::string(lines[i++].value);
  size_t header_begin = i;
  size_t next = 0;  // index into kFieldOrder of the next field allowed
  std::vector<std::string_view> seen;
  bool have_signature = false;
  for (; i < lines.size(); ++i) {
    const Line& l = lines[i];
    auto it = std::find(kFieldOrder.begin(), kFieldOrder.end(), l.name);
    if (it == kFieldOrder.end())
      return *err = at(l.number, tr("unknown field '{field}'", {{"field", std::string(l.name)}})),
             false;
    if (l.name != "covers" && std::find(seen.begin(), seen.end(), l.name) != seen.end())
      return *err =
                 at(l.number, tr("duplicated field '{field}'", {{"field", std::string(l.name)}})),
             false;
    size_t k = size_t(it - kFieldOrder.begin());
    if (l.name == "comment" || k < next)
      return *err =
                 at(l.number, tr("field '{field}' out of place", {{"field", std::string(l.name)}})),
             false;
    for (size_t skipped = next; skipped < k; ++skipped)
      if (kFieldOrder[skipped] != "sm2-id" && kFieldOrder[skipped] != "covers")
        return *err = at(l.number, tr("missing field '{field}' before '{next}'",
                                      {{"field", std::string(kFieldOrder[skipped])},
                                       {"next", std::string(l.name)}})),
               false;
    seen.push_back(l.name);
    next = l.name == "covers" ? k : k + 1;
    if (l.name == "signature") {
      have_signature = true;
      if (i + 1 != lines.size())
        return *err = at(lines[i + 1].number, tr("nothing may follow 'signature' in a block")),
               false;
    }
  }
  if (!have_signature) return *err = at(begin_line, tr("block has no 'signature' field")), false;

  for (size_t h = header_begin; h + 1 < lines.size(); ++h) block->header.append(lines[h].raw);
  for (size_t h = header_begin; h < lines.size(); ++h) {
    const Line& l = lines[h];
    std::string_view v = l.value;
    auto bad = [&](const std::string& what) {
      *err = at(l.number, std::string(l.name) + ": " + what);
      return false;
    };
    if (l.name == "version") {
      if (v != "1")
        return bad(tr("unsupported format version '{version}'", {{"version", std::string(v)}}));
    } else if (l.name == "algorithm") {
      if (!parseSignatureAlgorithm(v, &block->algorithm))
        return bad(tr("unknown algorithm '{algorithm}' (sm2-sm3 or ed25519)",
                      {{"algorithm", std::string(v)}}));
    } else if (l.name == "key-id") {
      if (v.size() != 16 || !isLowerHex(v)) return bad(tr("not 16 lower-case hex digits"));
      block->key_id = v;
    } else if (l.name == "sm2-id") {
      if (block->algorithm != KeyAlgorithm::Sm2) return bad(tr("only SM2 signatures have an ID"));
      if (v.empty() || v.size() > 64 || !isPlainText(v))
        return bad(tr("must be 1 to 64 characters"));
      block->sm2_id = v;
    } else if (l.name == "public-key") {
      if (block->algorithm == KeyAlgorithm::Sm2 && block->sm2_id.empty())
        return *err = at(l.number, tr("missing field 'sm2-id' (required for sm2-sm3)")), false;
      if (!base64Decode(v, &block->public_key) || block->public_key.empty())
        return bad(tr("bad base64"));
    } else if (l.name == "signer") {
      if (v.empty() || v.size() > 256 || !isPlainText(v))
        return bad(tr("must be 1 to 256 bytes of text"));
      block->signer = v;
    } else if (l.name == "role") {
      if (!isKnownRole(v))
        return bad(
            tr("unknown role '{role}' (county, city or province)", {{"role", std::string(v)}}));
      block->role = v;
    } else if (l.name == "file") {
      if (!isFileName(v)) return bad(tr("not a plain file name"));
      block->file = v;
    } else if (l.name == "size") {
      auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), block->size);
      if (v.empty() || ec != std::errc() || end != v.data() + v.size() ||
          (v.size() > 1 && v[0] == '0'))
        return bad(tr("not a decimal size"));
    } else if (l.name == "digest") {
      size_t want = block->algorithm == KeyAlgorithm::Sm2 ? 64 : 128;
      if (v.size() != want || !isLowerHex(v))
        return bad(
            tr("not a {digest} hex digest", {{"digest", digestName(digestFor(block->algorithm))}}));
      block->digest = v;
    } else if (l.name == "signed-at") {
      if (!isTimestamp(v)) return bad(tr("not a time of the form 2026-11-29T08:30:00Z"));
      block->signed_at = v;
    } else if (l.name == "covers") {
      // FILE-DIGEST BLOCK-DIGEST NAME; the name is last because it may contain spaces.
      size_t a = v.find(' '), b = a == std::string_view::npos ? a : v.find(' ', a + 1);
      size_t want = block->algorithm == KeyAlgorithm::Sm2 ? 64 : 128;
      if (b == std::string_view::npos || a != want || b != 2 * want + 1 ||
          !isLowerHex(v.substr(0, a)) || !isLowerHex(v.substr(a + 1, b - a - 1)) ||
          !isFileName(v.substr(b + 1)))
        return bad(tr("expected FILE-DIGEST BLOCK-DIGEST NAME"));
      // Each batch is covered once: repeats only multiply a verifier's work.
      for (const Cover& c : block->covers)
        if (c.name == v.substr(b + 1) || c.file_digest == v.substr(0, a))
          return bad(tr("covers the same batch twice"));
      block->covers.push_back({std::string(v.substr(0, a)), std::string(v.substr(a + 1, b - a - 1)),
                               std::string(v.substr(b + 1))});
    } else if (l.name == "signature") {
      if (!base64Decode(v, &block->signature) || block->signature.empty() ||
          block->signature.size() > 512)
        return bad(tr("bad base64"));
    }
  }
  return true;
}

}  // namespace

bool isKnownRole(std::string_view role) {
  return role == "county" || role == "city" || role == "province";
}

std::string formatHeader(const SignatureBlock& b) {
  std::string h = "version: 1\n";
  h += std::string("algorithm: ") + signatureAlgorithmName(b.algorithm) + "\n";
  h += "key-id: " + b.key_id + "\n";
  if (b.algorithm == KeyAlgorithm::Sm2) h += "sm2-id: " + b.sm2_id + "\n";
  h += "public-key: " + base64Encode(b.public_key) + "\n";
  h += "signer: " + b.signer + "\n";
  h += "role: " + b.role + "\n";
  h += "file: " + b.file + "\n";
  h += "size: " + std::to_string(b.size) + "\n";
  h += "digest: " + b.digest + "\n";
  h += "signed-at: " + b.signed_at + "\n";
  for (const Cover& c : b.covers)
    h += "covers: " + c.file_digest + " " + c.block_digest + " " + c.name + "\n";
  return h;
}

std::string signedBytes(const SignatureBlock& block) {
  return std::string(kDomainPrefix) + block.header;
}

std::string formatBlock(const SignatureBlock& block) {
  std::string out = std::string(kBeginLine) + "\n";
  if (!block.comment.empty()) out += "comment: " + block.comment + "\n";
  out += block.header;
  out += "signature: " + base64Encode(block.signature) + "\n";
  out += std::string(kEndLine) + "\n";
  return out;
}

std::string blockDigestInput(const std::vector<SignatureBlock>& blocks) {
  std::string out;
  for (const SignatureBlock& b : blocks)
    out += b.header + "signature: " + base64Encode(b.signature) + "\n";
  return out;
}

bool parseSignatureFile(std::string_view text, std::vector<SignatureBlock>* blocks,
                        std::string* err) {
  blocks->clear();
  if (text.size() > kMaxSignatureFile) return *err = tr("signature file too large"), false;
  if (text.empty()) return *err = tr("empty signature file"), false;
  if (text.back() != '\n') return *err = tr("signature file does not end with a newline"), false;
  std::vector<Line> lines;
  bool in_block = false;
  int begin_line = 0, number = 0;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    std::string_view raw = text.substr(pos, end + 1 - pos);
    std::string_view line = raw.substr(0, raw.size() - 1);
    pos = end + 1;
    ++number;
    if (line.size() > kMaxLine) return *err = at(number, tr("line too long")), false;
    if (line.find('\0') != std::string_view::npos) return *err = at(number, tr("NUL byte")), false;
    if (line.find('\r') != std::string_view::npos)
      return *err = at(number, tr("carriage return (the format uses LF line ends only)")), false;
    if (!in_block) {
      if (line.empty()) continue;
      if (line != kBeginLine)
        return *err = at(number, tr("expected {line}", {{"line", std::string(kBeginLine)}})), false;
      in_block = true;
      begin_line = number;
      lines.clear();
      continue;
    }
    if (line == kEndLine) {
      SignatureBlock block;
      block.line = begin_line;
      if (!parseBlock(lines, begin_line, &block, err)) return false;
      blocks->push_back(std::move(block));
      in_block = false;
      continue;
    }
    size_t colon = line.find(": ");
    std::string_view name = line.substr(0, colon);
    if (colon == std::string_view::npos || name.empty() ||
        !std::all_of(name.begin(), name.end(), [](char c) {
          return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
        }))
      return *err = at(number, tr("expected 'name: value'")), false;
    lines.push_back({name, line.substr(colon + 2), raw, number});
  }
  if (in_block)
    return *err =
               at(begin_line, tr("block not closed by {line}", {{"line", std::string(kEndLine)}})),
           false;
  if (blocks->empty()) return *err = tr("no signature block"), false;
  return true;
}

}  // namespace vetkit
