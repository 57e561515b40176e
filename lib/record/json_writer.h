// A streaming JSON writer for the record stream: appends to a string the caller flushes, so
// a million records cost no tree building and no per-record allocation.
#pragma once

#include <cstring>
#include <memory>
#include <string>
#include <string_view>

namespace vetkit {

class JsonWriter {
 public:
  explicit JsonWriter(std::string* out) : out_(out) {}

  void beginObject() { separate(), *out_ += '{', first_ = true; }
  void endObject() { *out_ += '}', first_ = false; }
  void beginArray() { separate(), *out_ += '[', first_ = true; }
  void endArray() { *out_ += ']', first_ = false; }
  /// An object key; the next value call writes its value.
  void key(std::string_view k) {
    separate();
    appendString(k);
    *out_ += ':';
    after_key_ = true;
  }
  /// A key already written as `"key":` (see quotedKey): spares escaping constant keys.
  void rawKey(std::string_view quoted) {
    separate();
    out_->append(quoted);
    after_key_ = true;
  }
  void string(std::string_view s) { separate(), appendString(s); }
  /// `literal` must already be a valid JSON number.
  void number(std::string_view literal) { separate(), out_->append(literal); }
  void integer(long long v) { separate(), out_->append(std::to_string(v)); }
  void boolean(bool b) { separate(), out_->append(b ? "true" : "false"); }
  void null() { separate(), out_->append("null"); }
  /// Ends a record: the stream is one JSON object per line.
  void endLine() { *out_ += '\n', first_ = true; }

  /// Appends `s` as a quoted JSON string (UTF-8 passed through, controls escaped).
  static void appendQuoted(std::string* out, std::string_view s);

 private:
  void separate() {
    if (after_key_) {
      after_key_ = false;
      return;
    }
    if (!first_) *out_ += ',';
    first_ = false;
  }
  void appendString(std::string_view s) { appendQuoted(out_, s); }

  std::string* out_;
  bool first_ = true;
  bool after_key_ = false;
};

/// `"key":` for rawKey().
std::string quotedKey(std::string_view key);

/// The most bytes `n` bytes of text take as a quoted JSON string (\u00XX for each control).
constexpr size_t quotedBound(size_t n) {
  return 6 * n + 2;
}

/// Writes `s` at `p` as a quoted JSON string; returns the end. The caller made room for
/// quotedBound(s.size()) bytes.
char* putQuoted(char* p, std::string_view s);

/// Copies `s` to `p`; returns the end.
inline char* putRaw(char* p, std::string_view s) {
  std::memcpy(p, s.data(), s.size());
  return p + s.size();
}

/// A growable byte buffer written through a pointer, for the loops that write millions of
/// values: the room for a piece is asked once, then the piece is plain copies with no
/// capacity check of their own, and no byte is zero-filled first as std::string::resize does.
class JsonScratch {
 public:
  /// At least `n` writable bytes at the returned pointer; hand the end of what was written
  /// to commit().
  char* room(size_t n) {
    if (capacity_ - size_ < n) grow(n);
    return data_.get() + size_;
  }
  void commit(char* end) { size_ = size_t(end - data_.get()); }
  void clear() { size_ = 0; }
  std::string_view view() const { return {data_.get(), size_}; }

 private:
  void grow(size_t n);
  std::unique_ptr<char[]> data_;
  size_t size_ = 0, capacity_ = 0;
};

/// True when `s` is a JSON number literal (RFC 8259 grammar).
bool isJsonNumber(std::string_view s);

}  // namespace vetkit
