#include "merge/extract_run.h"

#include <cstdio>

#include "core/atomic_file.h"
#include "core/exit_status.h"

namespace vetkit {

int runExtract(const ExtractRequest& given, const ExtractContext& c,
               const std::function<void(const std::string&)>& error) {
  const Messages& messages = c.schema->messages();
  const StoreWording wording{&messages, c.lang};
  auto usage = [&](const char* code) {
    return error(messages.format(code, c.lang, {})), int(kExitTrouble);
  };
  const MergeRequest& m = *c.merge;
  ExtractRequest r = given;
  r.output = c.output;
  r.gbk = c.encoding == "gbk" || c.encoding == "gb18030" || c.encoding == "GBK";
  if (m.db.empty()) return usage("extract-usage-needs-db");
  if (!m.files.empty() || !m.history.empty() || m.check_set || !m.manifest.empty() ||
      (!r.dept.empty() && r.list))
    return usage("extract-usage-alone");
  std::string err;
  if (r.list) {
    if (m.do_export) return usage("extract-usage-alone");
    auto store = openStoreReader(m.db, &err, wording);
    AtomicFile out;
    if (!store || !out.open(r.output, &err) || !listExtracts(*store, &out, &err) ||
        !out.commit(&err))
      return error(err), int(kExitTrouble);
    return kExitOk;
  }
  if (!m.do_export) return usage("extract-usage-needs-export");
  std::string format = extractFormat(r.output);
  if (format.empty()) return usage("extract-usage-output");
  if (r.gbk && format != "csv") return usage("extract-usage-gbk");
  DepartmentProfile profile;
  if (!DepartmentProfile::load(DepartmentProfile::resolve(r.dept, c.schema_path), *c.schema,
                               &profile, &err))
    return error(err), int(kExitTrouble);
  // An extract is of an existing store: none is made for it.
  if (!openStoreReader(m.db, &err, wording)) return error(err), int(kExitTrouble);
  std::unique_ptr<Store> store = Store::openOrCreate(m.db, &err, wording);
  ExtractResult result;
  if (!store || !writeExtract(*store, *c.schema, profile, r, &result, &err))
    return error(err), int(kExitTrouble);
  if (!c.quiet) {
    std::string names;
    for (const Field* f : result.fields)
      names += (names.empty() ? "" : c.lang == Lang::Zh ? "、" : ", ") + f->name(c.lang);
    std::fprintf(stderr, "%s\n",
                 messages
                     .format("extract-done", c.lang,
                             {{"department", profile.department()},
                              {"records", std::to_string(result.records)},
                              {"fields", names},
                              {"file", r.output},
                              {"sha256", result.sha256},
                              {"id", std::to_string(result.id)}})
                     .c_str());
  }
  return kExitOk;
}

}  // namespace vetkit
