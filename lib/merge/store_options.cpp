#include "merge/store_options.h"

#include <CLI/CLI.hpp>

namespace vetkit {

void addStoreOptions(CLI::App& app, MergeRequest* req, ExtractRequest* extract) {
  app.add_option("--db", req->db,
                 "Merge into (or read) this store: a SQLite file, created if missing, or a "
                 "PostgreSQL database (postgresql://… or 'host=… dbname=…')")
      ->type_name("STORE");
  app.add_flag("--export", req->do_export, "With --db: write the current merged set");
  app.add_option("--history", req->history, "With --db: write every version of the person KEY")
      ->type_name("KEY");
  app.add_option("--for", extract->dept,
                 "With --db --export -o FILE.xlsx|FILE.csv: only the fields the department "
                 "PROFILE may receive (schemas/departments), recorded in the store")
      ->type_name("PROFILE");
  app.add_flag("--extracts", extract->list,
               "With --db: list the extracts sent to departments (JSON lines)");
  app.add_option("--manifest", req->manifest,
                 "With --export -o SET: write the batches behind it; with --check-set: read it")
      ->type_name("FILE");
  app.add_flag("--check-set", req->check_set,
               "Check that each record of the city set FILE comes from a batch of its sealed "
               "manifest (FILE.manifest) whose county seal verifies (--trusted, --inputs)");
  app.add_option("--inputs", req->inputs, "With --check-set: where the county batches are")
      ->type_name("DIR");
}

}  // namespace vetkit
