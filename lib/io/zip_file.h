// Read access to zip archives (the container of .xlsx) over minizip, with entries streamed in
// chunks so that a sheet of a million rows never has to be inflated into memory at once.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace vetkit {

/// A zip bomb is refused once an entry has inflated past kZipRatioFloor bytes to more than
/// kMaxZipRatio times its compressed size: real workbooks stay well under 100, deflate can
/// reach about 1000, so memory and time stay proportional to the file's own size.
inline constexpr uint64_t kMaxZipRatio = 200;
inline constexpr uint64_t kZipRatioFloor = uint64_t(64) << 20;

/// What a workbook may inflate to in all, and one part of it (a sheet, the shared strings):
/// sized for the largest real sheets — Excel's 1,048,576 rows of 40 filled columns come to
/// about 2 GiB of sheet XML — so only a crafted file meets them. --max-inflated sets the
/// workbook's total (and caps a part at it too). Time, not memory, is what they bound: parts
/// are streamed.
inline constexpr uint64_t kMaxInflatedPart = uint64_t(2) << 30;
inline constexpr uint64_t kMaxInflatedWorkbook = uint64_t(4) << 30;

class ZipFile {
 public:
  /// Opens `path`; nullptr and `err` ("not a zip file", "truncated or corrupt zip file ...").
  /// `max_inflated` (0: kMaxInflatedWorkbook) bounds the bytes all entries inflate to, and
  /// each entry's at the smaller of it and kMaxInflatedPart.
  static std::unique_ptr<ZipFile> open(const std::string& path, std::string* err,
                                       uint64_t max_inflated = 0);
  ~ZipFile();
  ZipFile(const ZipFile&) = delete;
  ZipFile& operator=(const ZipFile&) = delete;

  /// Entry names as stored in the archive, in archive order.
  const std::vector<std::string>& names() const { return names_; }
  /// Index of entry `name` ignoring ASCII case, backslashes and a leading '/'; -1 if absent.
  int find(std::string_view name) const;

  /// Streams entry `index` to `chunk` in pieces of at most 64 KiB; `chunk` returns false to stop.
  bool read(int index, const std::function<bool(const char*, size_t)>& chunk, std::string* err);
  /// Reads entry `index` whole into `out`, refusing entries larger than `limit` bytes.
  bool readAll(int index, std::string* out, std::string* err, size_t limit = size_t(1) << 30);

  /// Pull-style access to one entry, for parsers that fill their own buffers; only one entry of
  /// a ZipFile can be open at a time.
  class Entry {
   public:
    ~Entry();
    Entry(const Entry&) = delete;
    Entry& operator=(const Entry&) = delete;
    /// Fills up to `size` bytes; returns the count, 0 at the end, -1 (and sets `err`) on damage.
    long read(char* buf, size_t size, std::string* err);
    /// Closes the entry; after a complete read this is where a CRC mismatch is reported.
    bool finish(std::string* err);

   private:
    friend class ZipFile;
    Entry(ZipFile* zip, int index, uint64_t compressed, uint64_t position)
        : zip_(zip), index_(index), compressed_(compressed), position_(position) {}
    ZipFile* zip_;
    int index_;
    uint64_t compressed_;    // the entry's compressed size, from the central directory
    uint64_t inflated_ = 0;  // bytes read so far
    uint64_t position_;      // offset in the archive of the compressed data read so far
    bool open_ = true;
  };
  /// Opens entry `index` for reading; nullptr and `err` if it cannot be.
  std::unique_ptr<Entry> openEntry(int index, std::string* err);

  /// What a copy of an entry as stored (still compressed) needs to be written again.
  struct RawInfo {
    int method = 0, level = 0;
    uint32_t crc = 0, dos_date = 0, internal_attr = 0, external_attr = 0;
    uint64_t compressed = 0, uncompressed = 0;
  };
  /// The sizes, CRC and method of entry `index` from its header; false if it cannot be read.
  bool rawInfo(int index, RawInfo* info);
  /// Streams entry `index` as stored, without inflating it, to `chunk` (for ZipWriter::copyRaw:
  /// an untouched part of a workbook is copied byte for byte, and costs no deflate).
  bool readRaw(int index, RawInfo* info, const std::function<bool(const char*, size_t)>& chunk,
               std::string* err);

 private:
  ZipFile() = default;
  std::string describe(int index) const;
  /// Makes entry `index` current, its header in `file_info` (an unz_file_info64).
  bool goTo(int index, void* file_info, std::string* err);

  void* handle_ = nullptr;  // unzFile, kept opaque so minizip stays out of this header
  uint64_t max_total_ = kMaxInflatedWorkbook, max_part_ = kMaxInflatedPart;
  uint64_t total_inflated_ = 0;  // by every entry read so far
  std::vector<std::string> names_;
  std::vector<std::pair<uint64_t, uint64_t>> positions_;  // unz64_file_pos of each entry
  std::unordered_map<std::string, int> index_;            // normalised name -> entry
};

/// A relationship target resolved against the folder of the part that owns the relationships
/// ("xl/" and "worksheets/sheet1.xml" give "xl/worksheets/sheet1.xml"; "/x" is from the root).
std::string resolveTarget(std::string_view sourceDir, std::string_view target);

/// Normalises a zip entry name for lookup: ASCII lower case, '/' separators, no leading '/'.
std::string normalizeZipName(std::string_view name);

/// Writes a deflated zip holding `entries` (name, content) in the given order; for tests and
/// fixtures (defined in zip_writer.cpp).
bool writeZip(const std::string& path,
              const std::vector<std::pair<std::string, std::string>>& entries, std::string* err);

}  // namespace vetkit
