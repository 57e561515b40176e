// Who received what, and when: each extract sent to a department (vetmerge --export --for,
// lib/merge/extract.h) is recorded in the city store beside the batches — the department, the
// fields it was given, how many people, the SHA-256 of the file handed over and the time.
// Data minimisation is only as good as its record: the log says which office holds which
// items of whom, and a file found later is known by its digest.
//
//   extract_log(id, profile, department, fields, records, file, format, sha256, made_at)
//
// Both backends keep it (sqlite_extract_log.cpp, pg_extract_log.cpp); a store reaches it
// through StoreReader::extractLog().
#pragma once

#include <cstdint>
#include <functional>
#include <string>

namespace vetkit {

struct ExtractEntry {
  int64_t id = 0;          // given by the store, in the order extracts were made
  std::string profile;     // the department profile's id: gongan
  std::string department;  // 公安
  std::string fields;      // the field ids sent, comma-separated, in column order
  int64_t records = 0;     // people in the file
  std::string file;        // the file as named on the command line
  std::string format;      // xlsx | csv
  std::string sha256;      // lower-case hex of the file's bytes (`sha256sum FILE`)
  std::string made_at;     // UTC, ISO 8601
};

/// The log of extracts; errors through the store's error().
class ExtractLog {
 public:
  virtual ~ExtractLog() = default;
  /// Records one extract (its id into `*id`), inside the store's write transaction
  /// (StoreWriter::begin() … commit()).
  virtual bool addExtract(const ExtractEntry& e, int64_t* id) = 0;
  /// Every extract recorded, oldest first.
  virtual bool forEachExtract(const std::function<void(const ExtractEntry&)>& fn) = 0;
};

}  // namespace vetkit
