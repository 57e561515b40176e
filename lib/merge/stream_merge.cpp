#include <memory>
#include <unordered_map>

#include "core/exit_status.h"
#include "import/record_source.h"
#include "merge/session_impl.h"

namespace vetkit {

namespace {

// One record of a stream-mode merge, kept until the output is written.
struct StreamEntry {
  std::string raw_key;  // before decisions mapped it
  std::string line, src, sheet, unit;
  long row = 0;
  size_t file = 0;
  PersonRef person;
  // The sheet's layout: only its first line carries `_columns`, and a conflict names the
  // column of each value.
  std::shared_ptr<const ColumnMap> columns;
};

}  // namespace

int MergeSession::mergeToStream(const std::vector<std::string>& files) {
  Impl& m = *impl_;
  std::vector<StreamEntry> entries;
  std::unordered_map<std::string, std::vector<size_t>> groups;
  std::vector<std::string> order;
  int status = kExitOk;
  for (size_t fi = 0; fi < files.size(); ++fi) {
    const std::string& path = files[fi];
    ++counts_.inputs;
    size_t before = entries.size();
    m.repeats.clear();
    RecordSourceEvents events;
    std::string file_unit;  // attributed at the file's first record
    bool first = true;
    events.record = [&](Record& r) {
      if (first) file_unit = m.batchUnit(r, path).unit, first = false;
      StreamEntry e;
      e.raw_key = recordKey(r, m.options.key);
      std::string key = m.keyOf(r);
      e.line = r.line;
      e.src = r.src, e.sheet = r.sheet, e.row = r.row, e.file = fi, e.columns = r.columns;
      // A record's own unit, unless --unit says otherwise; else the file's.
      bool own =
          m.options.unit.empty() && m.unit_field != size_t(-1) && r.fields[m.unit_field].present();
      e.unit = own ? r.fields[m.unit_field].text : file_unit;
      setPerson(m.schema, r, &e.person);
      e.person.key = key;
      e.person.unit = e.unit;
      auto& g = groups[key];
      if (g.empty()) order.push_back(key);
      for (size_t i : g)
        if (entries[i].file == fi && entries[i].raw_key == e.raw_key) {
          if (!m.admitRepeat(r, e.raw_key, entries[i].row)) return true;
          break;
        }
      g.push_back(entries.size());
      entries.push_back(std::move(e));
      return true;
    };
    events.diagnostic = m.out.diagnostic;
    std::string err;
    if (!readRecords(m.schema, path, m.options.import, events, &err)) {
      // Nothing of an unreadable input is merged.
      for (size_t i = before; i < entries.size(); ++i) {
        auto& g = groups[entries[i].person.key];
        std::erase(g, i);
      }
      entries.resize(before);
      ++counts_.failed;
      // readRecords' message already says it could not read.
      m.report(Severity::Error, path, "", 0, "unreadable", {{"reason", err}}, {}, {}, true);
      status = kExitTrouble;
    }
  }
  counts_.records = entries.size();

  std::vector<PersonRef> merged_people;
  merged_people.reserve(order.size());
  std::vector<std::pair<const PersonRef*, bool>> people;
  std::string line;
  std::vector<Record> records;
  std::vector<SourceTag> tags;
  for (const std::string& key : order) {
    const std::vector<size_t>& g = groups[key];
    if (g.empty()) continue;
    ++counts_.people;
    line.clear();
    if (g.size() == 1) {
      const StreamEntry& e = entries[g[0]];
      m.writer.writeSingle(e.line, {e.src, e.sheet, e.unit, e.row, 0}, {}, &line);
      people.emplace_back(&e.person, true);
    } else {
      ++counts_.merged;
      records.resize(g.size());
      tags.clear();
      std::string err;
      for (size_t i = 0; i < g.size(); ++i) {
        const StreamEntry& e = entries[g[i]];
        m.reader.parse(e.line, &records[i], &err);
        records[i].src = e.src, records[i].sheet = e.sheet, records[i].row = e.row;
        records[i].columns = e.columns;
        tags.push_back({e.src, e.sheet, e.unit, e.row, 0});
      }
      merged_people.emplace_back();
      m.mergeGroup(key, records, tags, &line, &merged_people.back());
      people.emplace_back(&merged_people.back(), true);
    }
    LineOutput* o = m.out.records;
    o->buffer()->append(line);
    o->wrote();
    if (o->brokenPipe()) return status;
  }
  m.findCandidates(people);
  if (status == kExitOk && (counts_.conflicts || counts_.candidates || counts_.duplicates))
    status = kExitFindings;
  return status;
}

}  // namespace vetkit
