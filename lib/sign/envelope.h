// Encryption of a file to one recipient's vetsign public key, for batches that travel by USB
// stick or e-mail (docs/signature-format.md, "Encrypted files"). Two suites, one per key kind:
//   SM2 key:     the 32-byte file secret is SM2-encrypted to the key (GB/T 32918.4); HKDF-SM3;
//                SM4-CTR with HMAC-SM3, encrypt-then-MAC (OpenSSL 3.0 has no SM4-GCM);
//   Ed25519 key: X25519 between a fresh ephemeral key and the recipient's key mapped to
//                Montgomery form (as age does for ssh-ed25519); HKDF-SHA-256; ChaCha20-Poly1305.
// The payload is cut into 64 KiB chunks, each sealed with its counter and a last-chunk flag
// (the STREAM construction of age), so truncation, reordering and swapped chunks fail; the
// header is authenticated by an HMAC. Memory stays flat whatever the file's size.
#pragma once

#include <string>

#include "sign/keys.h"

namespace vetkit {

// How an encryption or decryption ended; the numbers are vetsign's exit codes.
enum class CryptStatus : int {
  Ok = 0,
  NotAuthentic = 1,  // header or a chunk fails authentication: changed, truncated, reordered
  Trouble = 2,       // I/O, usage, not an encrypted file, not encrypted to this key
};

/// Encrypts `in_path` ("-": stdin) to `recipient` into `out_path` ("-": stdout), which appears
/// only when complete.
CryptStatus encryptFile(const Key& recipient, const std::string& in_path,
                        const std::string& out_path, std::string* err);

/// Decrypts `in_path` ("-": stdin) with the private `key` into `out_path` ("-": stdout). A
/// file output appears only when every chunk authenticated; on stdout each chunk is written
/// once it authenticated, so a failure there may follow a prefix of the plaintext.
CryptStatus decryptFile(const Key& key, const std::string& in_path, const std::string& out_path,
                        std::string* err);

/// The X25519 public key (u, little-endian) of an Ed25519 public key: u = (1 + y) / (1 - y)
/// mod 2^255 - 19. False for a key that has no such image.
bool ed25519ToX25519Public(const Key& key, std::string* u, std::string* err);

}  // namespace vetkit
