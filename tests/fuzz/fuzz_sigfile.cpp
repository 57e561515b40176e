// Fuzzes the .vsig parser; what it accepts must format back to the same block text.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "sign/signature_file.h"

using namespace vetkit;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  std::vector<SignatureBlock> blocks;
  std::string err;
  if (!parseSignatureFile(text, &blocks, &err)) return 0;
  for (const SignatureBlock& b : blocks) {
    signedBytes(b);
    formatBlock(b);
  }
  blockDigestInput(blocks);
  return 0;
}
