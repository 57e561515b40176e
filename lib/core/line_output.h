// Where a producer of the record stream writes: lines appended in place to a buffer, then
// handed on. AtomicFile hands them to a file; LineCallback to code in the same process (the
// validator reading spreadsheets through the importer).
#pragma once

#include <functional>
#include <string>
#include <string_view>

namespace vetkit {

class LineOutput {
 public:
  virtual ~LineOutput() = default;
  /// The pending buffer; append whole lines, then call wrote().
  std::string* buffer() { return &buffer_; }
  /// Hands on what the buffer holds when it is worth it.
  virtual void wrote() = 0;
  /// A position to roll back to.
  virtual size_t mark() const = 0;
  /// Forgets what was written after `mark`; false when it is already gone.
  virtual bool rollback(size_t mark) = 0;
  /// True when nobody reads any more (a closed pipe).
  virtual bool brokenPipe() const { return false; }

 protected:
  std::string buffer_;
};

/// Calls `fn` with each complete line (without its newline) as soon as it is written.
class LineCallback : public LineOutput {
 public:
  explicit LineCallback(std::function<void(std::string_view)> fn) : fn_(std::move(fn)) {}
  void wrote() override {
    size_t start = 0, nl;
    while ((nl = buffer_.find('\n', start)) != std::string::npos) {
      fn_(std::string_view(buffer_).substr(start, nl - start));
      start = nl + 1;
    }
    consumed_ += start;
    buffer_.erase(0, start);
  }
  size_t mark() const override { return consumed_ + buffer_.size(); }
  bool rollback(size_t mark) override {
    if (mark < consumed_) return false;
    buffer_.resize(mark - consumed_);
    return true;
  }
  /// Tells the producer to stop, as a closed pipe would.
  void stop() { stopped_ = true; }
  bool brokenPipe() const override { return stopped_; }

 private:
  std::function<void(std::string_view)> fn_;
  size_t consumed_ = 0;
  bool stopped_ = false;
};

}  // namespace vetkit
