// Known-answer checks of the national algorithms, run before any key is used: a build of
// OpenSSL without SM3/SM4, or a broken one, must stop vetsign rather than sign with it.
#pragma once

#include <string>

namespace vetkit {

/// Encrypts one 16-byte block with SM4 (ECB, no padding), the GB/T 32907 primitive.
bool sm4EncryptBlock(const unsigned char key[16], const unsigned char in[16], unsigned char out[16],
                     std::string* err);

/// Checks SM3("abc") (GB/T 32905) and the GB/T 32907 SM4 example; false with `err` if either
/// answer is wrong or the algorithm is missing ("self test: …", in the installed language).
bool runSelfTest(std::string* err);

}  // namespace vetkit
