// The send-back loop in the store (issue 16, item 4): each round of packages sent to the
// counties (vetreport --db --split-by), every item in them, and the counties' replies (vetmerge
// --replies), so that vetreport --sendback-status can say per county and round what closed,
// what is still open and what is new. Both backends keep the same tables:
//
//   sendback_round(round, sent_at, outdir)                   -- one row a round, numbered from 1
//   sendback_package(round, county, file, sha256, items)     -- the workbook sent to a county
//   sendback_item(round, county, item, kind, rule, key, shown_key, field, cross_county, owner)
//                                                            -- every item of a package, once
//   sendback_reply(item, county, batch, result, value, note) -- a county's reply (核实结果,
//                                                               修订值, 说明), with the batch
//                                                               that merged it
//
// An item is the same item in every round (its stable id, core/stable_id.h); a cross-county
// item is in both counties' packages and names the county that owns the fix (`owner`: the
// person's hukou county). `key` is the person's identity key as the store holds it (so that a
// reply reaches the person); `shown_key` the masked form the package showed.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace vetkit {

struct SendbackLogItem {
  std::string id, county, kind, rule, key, shown_key, field, owner;
  bool cross_county = false;
};

struct SendbackLogPackage {
  std::string county, file, sha256;
  int64_t items = 0;  // rows of the workbook (an item of several values counts each)
};

struct SendbackRound {
  int64_t round = 0;
  std::string sent_at, outdir;  // sent_at: Beijing time, YYYY-MM-DD HH:MM (as the report)
};

struct SendbackReply {
  std::string item, county, result, value, note;
  int64_t batch = 0;  // the batch the reply came in
  // The round of the package answered: the latest that sent the item to the county when the
  // reply came; 0 when not recorded (a reply stored before it was).
  int64_t round = 0;
};

/// The send-back tables of a store. Writes are made inside the store's own write transaction
/// (StoreWriter::begin() … commit()); reads from a reader see its snapshot.
class SendbackLog {
 public:
  virtual ~SendbackLog() = default;

  /// Records a round: its packages and their items (an item listed twice in one county's
  /// package is kept once). Its number, one after the last, in `round->round`.
  virtual bool addRound(SendbackRound* round, const std::vector<SendbackLogPackage>& packages,
                        const std::vector<SendbackLogItem>& items) = 0;
  /// Every round, oldest first.
  virtual bool forEachRound(const std::function<void(const SendbackRound&)>& fn) = 0;
  /// The packages of every round, by round then county.
  virtual bool forEachPackage(
      const std::function<void(int64_t round, const SendbackLogPackage&)>& fn) = 0;
  /// The items of every round, by round, county and id.
  virtual bool forEachItem(
      const std::function<void(int64_t round, const SendbackLogItem&)>& fn) = 0;
  /// Records a county's reply to an item (a later reply in the same batch replaces it).
  virtual bool addReply(const SendbackReply& reply) = 0;
  /// Every reply, in the order of their batches.
  virtual bool forEachReply(const std::function<void(const SendbackReply&)>& fn) = 0;
};

}  // namespace vetkit
