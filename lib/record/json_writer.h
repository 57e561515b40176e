// A streaming JSON writer for the record stream: appends to a string the caller flushes, so
// a million records cost no tree building and no per-record allocation.
#pragma once

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
  static void appendEscaped(std::string* out, std::string_view s);

 public:
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

/// True when `s` is a JSON number literal (RFC 8259 grammar).
bool isJsonNumber(std::string_view s);

}  // namespace vetkit
