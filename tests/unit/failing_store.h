// A test double of the store's writer: forwards every call to a real store and fails the N-th
// write (counted from 1 over every StoreWriter call but rollback and finish), so that a test
// can show what the merge leaves behind when the store fails at any point of a batch.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "store/store.h"

namespace vetkit::testing {

class FailingStore final : public Store {
 public:
  /// Fails the `fail_at`-th write (0: never).
  FailingStore(std::unique_ptr<Store> inner, int fail_at)
      : inner_(std::move(inner)), fail_at_(fail_at) {}

  /// The writes seen so far, the failed one included.
  int writes() const { return writes_; }
  bool failed() const { return failed_; }

  /// Every key the merge asked currentRows() for, in order, repeats included.
  std::vector<std::string> asked;

  /// Called before each begin(): a test lets another writer commit there.
  std::function<void()> on_begin;

  const std::string& error() const override { return failed_ ? err_ : inner_->error(); }

  bool begin() override {
    if (on_begin) on_begin();
    return write() && inner_->begin();
  }
  bool commit() override { return write() && inner_->commit(); }
  void rollback() override { inner_->rollback(); }
  bool changedElsewhere(bool* changed) override { return inner_->changedElsewhere(changed); }
  bool finish() override { return inner_->finish(); }
  bool addBatch(const BatchInfo& b, int64_t* id) override {
    return write() && inner_->addBatch(b, id);
  }
  bool setBatchRecords(int64_t batch, int64_t records, std::string_view sha256,
                       std::string_view signed_at) override {
    return write() && inner_->setBatchRecords(batch, records, sha256, signed_at);
  }
  bool addVersion(std::string_view key, int64_t batch, std::string_view unit, std::string_view json,
                  int64_t* version) override {
    return write() && inner_->addVersion(key, batch, unit, json, version);
  }
  bool retireVersion(int64_t version, int64_t batch) override {
    return write() && inner_->retireVersion(version, batch);
  }
  bool retireOlder(std::string_view key, std::string_view unit, int64_t batch) override {
    return write() && inner_->retireOlder(key, unit, batch);
  }
  bool putCurrent(const CurrentRow& row, std::string_view merged) override {
    return write() && inner_->putCurrent(row, merged);
  }
  bool deleteCurrent(std::string_view key) override {
    return write() && inner_->deleteCurrent(key);
  }
  bool markAbsent(std::string_view key, int64_t batch) override {
    return write() && inner_->markAbsent(key, batch);
  }
  bool rekey(std::string_view alias, std::string_view canonical) override {
    return write() && inner_->rekey(alias, canonical);
  }
  bool moveVersion(int64_t version, std::string_view key, bool revive) override {
    return write() && inner_->moveVersion(version, key, revive);
  }
  bool addDecision(std::string_view a, std::string_view b, std::string_view decision,
                   int64_t batch) override {
    return write() && inner_->addDecision(a, b, decision, batch);
  }

  bool countCurrent(int64_t* n) override { return inner_->countCurrent(n); }
  bool currentRows(const std::vector<std::string>& keys,
                   const std::function<void(const CurrentBrief&)>& fn) override {
    asked.insert(asked.end(), keys.begin(), keys.end());
    return inner_->currentRows(keys, fn);
  }
  bool forEachLiveOfUnit(std::string_view unit, int64_t batch,
                         const std::function<void(std::string_view)>& fn) override {
    return inner_->forEachLiveOfUnit(unit, batch, fn);
  }
  bool forEachBatch(const std::function<void(int64_t, const BatchInfo&)>& fn) override {
    return inner_->forEachBatch(fn);
  }
  bool forEachBatchRecord(int64_t batch, const std::function<bool(std::string_view)>& fn) override {
    return inner_->forEachBatchRecord(batch, fn);
  }
  bool exportCurrent(const std::function<bool(const CurrentRecord&)>& fn) override {
    return inner_->exportCurrent(fn);
  }
  bool history(
      std::string_view key,
      const std::function<void(const LiveVersion&, int64_t, std::string_view)>& fn) override {
    return inner_->history(key, fn);
  }
  bool forEachLive(std::string_view key,
                   const std::function<void(const LiveVersion&)>& fn) override {
    return inner_->forEachLive(key, fn);
  }
  bool forEachCurrent(const std::function<void(CurrentRow&&)>& fn) override {
    return inner_->forEachCurrent(fn);
  }
  bool forEachCurrentBrief(const std::function<void(const CurrentBrief&)>& fn) override {
    return inner_->forEachCurrentBrief(fn);
  }
  bool currentRow(std::string_view key, CurrentRow* row) override {
    return inner_->currentRow(key, row);
  }
  bool forEachDecision(const std::function<void(std::string_view, std::string_view,
                                                std::string_view)>& fn) override {
    return inner_->forEachDecision(fn);
  }
  bool integrityOk(std::string* detail) override { return inner_->integrityOk(detail); }

 private:
  bool write() {
    if (++writes_ != fail_at_) return true;
    failed_ = true;
    err_ = "injected failure of write " + std::to_string(writes_);
    return false;
  }

  std::unique_ptr<Store> inner_;
  int fail_at_;
  int writes_ = 0;
  bool failed_ = false;
  std::string err_;
};

}  // namespace vetkit::testing
