#!/usr/bin/env bash
# A file made by `vetsign encrypt` is opened with the stock openssl command alone, following
# docs/signature-format.md ("Encrypted files"): the file secret (SM2 decryption of the key
# material, or X25519 with the Ed25519 key's scalar), HKDF, the header MAC, and each chunk
# (SM4-CTR with its HMAC-SM3 tag; ChaCha20 without its Poly1305 tag, which `openssl enc`
# cannot check). Run with the directory of the built tools.
set -euo pipefail
bin=$(cd "${1:?usage: crypt-openssl.sh BIN_DIR}" && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/vetkit-crypt.XXXXXX")
trap 'rm -rf "$work"' EXIT
cd "$work"

hex() { od -An -v -tx1 "$@" | tr -d ' \n'; }
# Bytes [FROM, FROM + LEN) of FILE (FROM counted from 0).
slice() { dd if="$1" iflag=skip_bytes,count_bytes skip="$2" count="$3" status=none; }
nonce() { printf '%022x%02x' "$1" "$2"; }  # chunk counter (11 bytes), last-chunk flag
unhex() { printf '%b' "$(sed 's/../\\x&/g' <<<"$1")"; }

head -c 100000 /dev/urandom >data  # one full chunk of 65536 bytes, then a last one
for alg in sm2 ed25519; do
  "$bin/vetsign" keygen -q --signer 娄底市民政局 --role city --unit 431300 --algorithm $alg -o $alg
  "$bin/vetsign" encrypt -q --to $alg.pub -o $alg.enc data
  n=$(($(od -An -tu1 -j30 -N1 $alg.enc) * 256 + $(od -An -tu1 -j31 -N1 $alg.enc)))
  slice $alg.enc 0 $((32 + n)) >h0 # the header up to its MAC: the HKDF salt
  slice $alg.enc 32 $n >material
  slice $alg.enc $((32 + n)) 32 >header-mac
  if [ $alg = sm2 ]; then
    openssl pkeyutl -decrypt -inkey sm2.key -in material -out secret
    md=sm3 keylen=80 tag=32
  else
    # The X25519 scalar: the first half of SHA-512 of the Ed25519 seed (openssl clamps it).
    openssl pkey -in ed25519.key -outform DER | tail -c 32 >seed
    openssl dgst -sha512 -binary -out h seed
    { unhex 302e020100300506032b656e04220420; slice h 0 32; } >x.der
    # Its public key is the one the header names: the Montgomery form of the Ed25519 key.
    openssl pkey -inform DER -in x.der -pubout -outform DER | tail -c 32 | cmp - <(slice material 32 32)
    { unhex 302a300506032b656e032100; slice material 0 32; } >ephemeral.der
    openssl pkeyutl -derive -keyform DER -inkey x.der -peerform DER -peerkey ephemeral.der -out secret
    md=sha256 keylen=64 tag=16
  fi
  okm=$(openssl kdf -keylen $keylen -kdfopt digest:$md -kdfopt hexkey:"$(hex secret)" \
    -kdfopt hexsalt:"$(hex h0)" -kdfopt info:"vetkit encrypt v1" HKDF | tr -d ':\n' | tr A-F a-f)
  header_key=${okm: -64}
  openssl dgst -$md -mac HMAC -macopt hexkey:$header_key -binary h0 | cmp - header-mac
  : >plain
  for i in 0 1; do
    start=$((32 + n + 32 + i * (65536 + tag))) last=$i
    size=$(($(stat -c %s $alg.enc) - start - tag))
    [ $size -gt 65536 ] && size=65536
    slice $alg.enc $start $size >ct
    if [ $alg = sm2 ]; then
      { unhex "$(nonce $i $last)"; cat ct; } |
        openssl dgst -sm3 -mac HMAC -macopt hexkey:${okm:32:64} -binary | cmp - <(slice $alg.enc $((start + size)) 32)
      openssl enc -d -sm4-ctr -K ${okm:0:32} -iv "$(nonce $i $last)00000000" -in ct >>plain
    else
      openssl enc -d -chacha20 -K ${okm:0:64} -iv "01000000$(nonce $i $last)" -in ct >>plain
    fi
  done
  cmp plain data
  echo "$alg: opened with openssl alone"
done
