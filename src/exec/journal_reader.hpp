// The trading journal read-only: `organism orders | positions | fills` and the monitor read it
// while a paper or trade session writes it (WAL lets readers in without taking the writer's lock).
// The journal itself (journal.hpp) is the only writer.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "exec/journal.hpp"
#include "exec/order_manager.hpp"

namespace organism::exec {

class JournalReader {
 public:
  // core::Error when the file does not exist or is not an organism journal; nothing is created.
  static JournalReader open(const std::string& path);
  JournalReader(JournalReader&&) noexcept;
  ~JournalReader();

  // Open orders oldest first, or (all) every order newest first; at most `limit`.
  std::vector<Order> orders(bool all, std::size_t limit);
  // The latest position per (strategy, coin); the account's own rows have an empty strategy.
  std::vector<PositionChange> positions();
  // Fills at or after `since`, newest first, at most `limit`, with the strategy of the order each
  // filled (empty: not an order of ours).
  std::vector<AttributedFill> fills(core::TimeMs since, std::size_t limit);
  // The rows of the newest rebalance of the allocation stage (the allocations table's newest
  // time), in journal order; empty when there was none or the journal predates the table.
  std::vector<AllocationRow> latest_allocations();

 private:
  struct Impl;
  explicit JournalReader(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace organism::exec
