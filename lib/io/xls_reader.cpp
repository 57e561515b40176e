#include "io/xls_reader.h"

#include "core/text_catalogue.h"

#include <freexl.h>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <vector>

#include "core/read_progress.h"

namespace vetkit {

namespace {

uint32_t le32(const unsigned char* p) {
  return uint32_t(p[0]) | uint32_t(p[1]) << 8 | uint32_t(p[2]) << 16 | uint32_t(p[3]) << 24;
}
uint16_t le16(const unsigned char* p) {
  return uint16_t(p[0] | p[1] << 8);
}

// The visibility of each sheet, in the order of the workbook's BOUNDSHEET records (the order
// FreeXL numbers them in). Reads just enough of the compound file (MS-CFB) to follow the
// Workbook stream's sector chain to the end of its globals. Empty when anything is unexpected
// (a stream small enough for the mini stream, a damaged chain): then every sheet counts as
// visible, which reads more, never less.
struct BoundSheet {
  bool hidden = false;
  bool worksheet = true;
};

std::vector<BoundSheet> readBoundSheets(const std::string& path) {
  std::vector<BoundSheet> out;
  std::ifstream in(path, std::ios::binary);
  unsigned char h[512];
  if (!in.read(reinterpret_cast<char*>(h), sizeof h)) return out;
  unsigned shift = le16(h + 0x1E);
  if (shift != 9 && shift != 12) return {};
  const size_t sector = size_t(1) << shift;
  auto readSector = [&](uint32_t s, std::vector<unsigned char>* buf) {
    buf->resize(sector);
    in.clear();
    in.seekg(std::streamoff((uint64_t(s) + 1) * sector));
    return bool(in.read(reinterpret_cast<char*>(buf->data()), std::streamsize(sector)));
  };
  // The FAT's own sectors: 109 named in the header, the rest in the DIFAT chain.
  std::vector<uint32_t> fat_sectors;
  uint32_t fat_count = le32(h + 0x2C);
  for (int i = 0; i < 109 && fat_sectors.size() < fat_count; ++i)
    fat_sectors.push_back(le32(h + 0x4C + 4 * i));
  std::vector<unsigned char> buf;
  for (uint32_t d = le32(h + 0x44), n = 0; d < 0xFFFFFFFA && fat_sectors.size() < fat_count; ++n) {
    if (n > fat_count || !readSector(d, &buf)) return {};
    for (size_t i = 0; i + 4 < sector && fat_sectors.size() < fat_count; i += 4)
      fat_sectors.push_back(le32(buf.data() + i));
    d = le32(buf.data() + sector - 4);
  }
  if (fat_count > (uint32_t(1) << 20)) return {};  // more than a 4 GiB file at 512 bytes a sector
  std::vector<uint32_t> fat;
  for (uint32_t s : fat_sectors) {
    if (!readSector(s, &buf)) return {};
    for (size_t i = 0; i < sector; i += 4) fat.push_back(le32(buf.data() + i));
  }
  // Follows a chain, giving each sector's bytes to `f` until it returns false.
  auto chain = [&](uint32_t s, auto&& f) {
    for (size_t n = 0; s < fat.size() && n <= fat.size(); ++n, s = fat[s]) {
      if (!readSector(s, &buf) || !f(buf)) return;
    }
  };
  uint32_t wb_start = 0, wb_size = 0, root_start = 0;
  bool found = false, root = true;
  chain(le32(h + 0x30), [&](const std::vector<unsigned char>& dir) {
    for (size_t e = 0; e + 128 <= sector; e += 128) {
      const unsigned char* d = dir.data() + e;
      if (root) {  // the first entry, the root, holds the mini stream
        root_start = le32(d + 0x74);
        root = false;
      }
      unsigned len = le16(d + 0x40);
      if (d[0x42] != 2 || len < 2 || len > 64) continue;  // streams only
      std::string name;
      for (unsigned k = 0; k + 2 < len; k += 2) name.push_back(char(d[k]));
      if (name == "Workbook" || name == "Book") {
        wb_start = le32(d + 0x74);
        wb_size = le32(d + 0x78);
        found = true;
        return false;
      }
    }
    return true;
  });
  if (!found) return {};
  // The stream's first bytes, up to what its globals need: from the FAT's sectors, or, for a
  // stream under the cutoff (4096 bytes), from the mini stream's 64-byte sectors.
  constexpr size_t kMaxGlobals = size_t(16) << 20;
  std::vector<unsigned char> stream;
  if (wb_size >= le32(h + 0x38)) {
    chain(wb_start, [&](const std::vector<unsigned char>& data) {
      stream.insert(stream.end(), data.begin(), data.end());
      return stream.size() < std::min<size_t>(wb_size, kMaxGlobals);
    });
  } else {
    std::vector<uint32_t> minifat;
    chain(le32(h + 0x3C), [&](const std::vector<unsigned char>& data) {
      for (size_t i = 0; i < sector; i += 4) minifat.push_back(le32(data.data() + i));
      return minifat.size() < (size_t(1) << 20);
    });
    std::vector<unsigned char> ministream;
    chain(root_start, [&](const std::vector<unsigned char>& data) {
      ministream.insert(ministream.end(), data.begin(), data.end());
      return ministream.size() < kMaxGlobals;
    });
    for (uint32_t m = wb_start, n = 0;
         m < minifat.size() && n <= minifat.size() && size_t(m + 1) * 64 <= ministream.size();
         ++n, m = minifat[m])
      stream.insert(stream.end(), ministream.begin() + m * 64, ministream.begin() + (m + 1) * 64);
  }
  stream.resize(std::min<size_t>(stream.size(), wb_size));
  // BIFF records: type and length (2 bytes each), then the body; BOUNDSHEET (0x85) carries
  // the sheet's state in the low bits of byte 4 and its type in byte 5. The globals end at
  // the first EOF (0x0A).
  bool done = false;
  for (size_t pos = 0; pos + 4 <= stream.size();) {
    uint16_t type = le16(stream.data() + pos), len = le16(stream.data() + pos + 2);
    if (pos + 4 + len > stream.size()) break;
    if (type == 0x0085 && len >= 6)
      out.push_back({(stream[pos + 8] & 3) != 0, stream[pos + 9] == 0});
    if (type == 0x000A && pos > 0) {
      done = true;
      break;
    }
    pos += 4 + size_t(len);
  }
  if (!done) return {};
  return out;
}

// "1978-03-05 08:30:00" → "1978-03-05T08:30:00", and a midnight drops its time: what the xlsx
// reader gives for the same serial.
void isoDateTime(std::string_view v, std::string* out) {
  out->assign(v.substr(0, 10));
  if (v.size() >= 19 && v.substr(11, 8) != "00:00:00") {
    out->push_back('T');
    out->append(v.substr(11, 8));
  }
}

class XlsWorkbook : public Workbook {
 public:
  ~XlsWorkbook() override {
    if (handle_) freexl_close(handle_);
  }
  const std::vector<SheetInfo>& sheets() const override { return infos_; }
  bool readSheet(size_t index, const RowSink& sink, std::string* err) override;

  const void* handle_ = nullptr;
  std::vector<SheetInfo> infos_;
};

bool XlsWorkbook::readSheet(size_t index, const RowSink& sink, std::string* err) {
  if (index >= infos_.size() || freexl_select_active_worksheet(handle_, uint16_t(index)) != 0) {
    *err = tr("no sheet {n} (the workbook has {count})",
              {{"n", std::to_string(index + 1)}, {"count", std::to_string(infos_.size())}});
    return false;
  }
  unsigned rows = 0;
  unsigned short cols = 0;
  if (freexl_worksheet_dimensions(handle_, &rows, &cols) != FREEXL_OK) {
    *err = tr("sheet dimensions unreadable");
    return false;
  }
  ReadProgress* progress = ReadProgress::active();
  Row row;
  row.cells.reserve(cols);
  for (unsigned r = 0; r < rows; ++r) {
    row.number = int(r) + 1;
    row.cells.clear();
    for (unsigned short c = 0; c < cols; ++c) {
      FreeXL_CellValue v;
      if (freexl_get_cell_value(handle_, r, c, &v) != FREEXL_OK) continue;
      switch (v.type) {
        case FREEXL_CELL_INT: {
          Cell& cell = row.cells.emplace_back();
          cell.col = c;
          cell.kind = Cell::Kind::Number;
          cell.text = std::to_string(v.value.int_value);
          break;
        }
        case FREEXL_CELL_DOUBLE: {
          Cell& cell = row.cells.emplace_back();
          cell.col = c;
          cell.kind = Cell::Kind::Number;
          cell.text = formatXlsNumber(v.value.double_value);
          break;
        }
        case FREEXL_CELL_TEXT:
        case FREEXL_CELL_SST_TEXT: {
          std::string_view s = v.value.text_value ? v.value.text_value : "";
          if (s.empty()) break;
          if (overlongCell(s)) {
            *err = overlongCellError(row.number, c);
            return false;
          }
          Cell& cell = row.cells.emplace_back();
          cell.col = c;
          cell.text.assign(s);
          break;
        }
        case FREEXL_CELL_DATE:
        case FREEXL_CELL_DATETIME: {
          Cell& cell = row.cells.emplace_back();
          cell.col = c;
          cell.kind = Cell::Kind::Date;
          isoDateTime(v.value.text_value ? v.value.text_value : "", &cell.text);
          break;
        }
        case FREEXL_CELL_TIME: {
          // A time of day alone is no date; the xlsx reader gives its serial, a fraction.
          int hh = 0, mm = 0, ss = 0;
          if (!v.value.text_value ||
              std::sscanf(v.value.text_value, "%d:%d:%d", &hh, &mm, &ss) != 3)
            break;
          Cell& cell = row.cells.emplace_back();
          cell.col = c;
          cell.kind = Cell::Kind::Number;
          cell.text = formatXlsNumber((hh * 3600 + mm * 60 + ss) / 86400.0);
          break;
        }
        default:
          break;
      }
    }
    if (progress && (r & 0xFFF) == 0xFFF) progress->addRows(0x1000);
    if (!row.cells.empty() && !sink(row)) return true;
  }
  if (progress) progress->addRows(rows & 0xFFF);
  return true;
}

}  // namespace

std::string formatXlsNumber(double v) {
  if (!std::isfinite(v)) return "#NUM!";
  if (v == std::trunc(v) && std::fabs(v) < 1e15) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.0f", v);
    return buf;
  }
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.15G", v);
  return buf;
}

std::unique_ptr<Workbook> openXls(const std::string& path, std::string* err, std::string* code) {
  if (ReadProgress* progress = ReadProgress::active()) progress->beginInput(path, -1);
  auto wb = std::make_unique<XlsWorkbook>();
  int rc = freexl_open(path.c_str(), &wb->handle_);
  unsigned info = 0;
  if (rc == FREEXL_OK && freexl_get_info(wb->handle_, FREEXL_BIFF_PASSWORD, &info) == FREEXL_OK &&
      info == FREEXL_BIFF_OBFUSCATED) {
    *code = "xls-encrypted";
    *err = tr("password-protected .xls workbook");
    return nullptr;
  }
  if (rc != FREEXL_OK) {
    // An encrypted BIFF8 file often fails inside FreeXL before it can say so.
    *code = "xls-unreadable";
    *err = rc == FREEXL_BIFF_WORKBOOK_NOT_FOUND
               ? tr("no Workbook stream: not an .xls, perhaps an encrypted .xlsx")
           : rc == FREEXL_INSUFFICIENT_MEMORY ? tr("out of memory")
           : rc <= FREEXL_INVALID_CFBF_HEADER && rc >= FREEXL_CFBF_ILLEGAL_FAT_ENTRY
               ? tr("damaged compound file, FreeXL error {code}", {{"code", std::to_string(rc)}})
               : tr("FreeXL error {code}", {{"code", std::to_string(rc)}});
    return nullptr;
  }
  unsigned count = 0;
  if (freexl_get_info(wb->handle_, FREEXL_BIFF_SHEET_COUNT, &count) != FREEXL_OK) count = 0;
  std::vector<BoundSheet> states = readBoundSheets(path);
  // FreeXL numbers worksheets only; the BOUNDSHEET list also has chart and macro sheets.
  std::vector<BoundSheet> worksheets;
  for (const BoundSheet& b : states)
    if (b.worksheet) worksheets.push_back(b);
  for (unsigned i = 0; i < count; ++i) {
    const char* name = nullptr;
    if (freexl_get_worksheet_name(wb->handle_, uint16_t(i), &name) != FREEXL_OK) name = nullptr;
    SheetInfo s;
    s.name = name ? name : "Sheet" + std::to_string(i + 1);
    s.hidden = worksheets.size() == count && worksheets[i].hidden;
    wb->infos_.push_back(std::move(s));
  }
  return wb;
}

}  // namespace vetkit
