// Reads the record stream (JSON Lines) with simdjson's on-demand parser into Records.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

#include "record/record.h"
#include "schema/schema.h"

namespace vetkit {

class RecordReader {
 public:
  explicit RecordReader(const Schema& schema);
  ~RecordReader();

  /// Parses one line into `out` (reused between calls). A line that is not a JSON object
  /// fails with `err` set.
  bool parse(std::string_view line, Record* out, std::string* err);

  /// Streams the records of `path` ("-" is stdin) to `sink`; blank lines are skipped.
  /// A malformed line is passed to `bad_line(line_number, reason)`, and reading goes on.
  /// Returns false with `err` when the file cannot be read.
  bool readFile(const std::string& path, const std::function<bool(Record&)>& sink,
                const std::function<void(size_t, const std::string&)>& bad_line, std::string* err);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace vetkit
