// The paper exchange under kill -9: a child process places one IOC order per step on a
// state-saving BookBroker and acknowledges each cloid on a pipe only after place() returned (as
// the order manager journals only after the broker answered). The parent kills it at seeded random
// moments; after each kill the saved state must load, know every acknowledged order as filled
// (never behind the "journal"), hold no cloid twice, and the next child must resume from it.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "exec/book_broker.hpp"
#include "support/test_support.hpp"

namespace organism::exec {
namespace {

namespace sim = exchange::sim;
using Units = exchange::client::Units;

constexpr core::TimeMs kT0 = 1'700'000'000'000;
constexpr Units kStepSize = 1'000'000;  // 0.01 ETH

std::vector<sim::AssetSpec> eth() { return {sim::AssetSpec{"ETH", 4, 50, false}}; }

std::string cloid_of_step(std::size_t step) {
  const std::string n = std::to_string(step + 1);
  return "0x" + std::string(32 - n.size(), '0') + n;
}

BookBrokerOptions options(const std::string& path) {
  BookBrokerOptions o;
  o.capital = 100'000;
  o.latency_ms = 0;
  o.state_path = path;
  return o;
}

// The child: resumes from the state file, then forever: a new book, one IOC order (buy on even
// steps, sell on odd ones, so the position stays within 0..0.01), the cloid acknowledged.
[[noreturn]] void run_child(const std::string& path, int ack_fd) {
  BookBroker broker = BookBroker::restore(eth(), options(path));
  for (std::size_t step = broker.fills_since(0).size();; ++step) {
    const core::TimeMs time = kT0 + static_cast<core::TimeMs>(step) * 1000;
    broker.on_book("ETH", time, {{200'000'000'000, 100'000'000, 1}},
                   {{200'100'000'000, 100'000'000, 1}});
    BrokerOrder order;
    order.spec.coin = "ETH";
    order.spec.is_buy = step % 2 == 0;
    order.spec.px = order.spec.is_buy ? 201'000'000'000 : 199'000'000'000;
    order.spec.sz = kStepSize;
    order.spec.tif = exchange::hl::WireTif::Ioc;
    order.spec.cloid = cloid_of_step(step);
    if (!broker.place({order}).at(0).ok()) _exit(3);
    const std::string ack = *order.spec.cloid + "\n";
    if (write(ack_fd, ack.data(), ack.size()) != static_cast<ssize_t>(ack.size())) _exit(4);
  }
}

TEST(BookBrokerCrash, KilledAtRandomMomentsTheStateIsNeverBehindWhatWasAnswered) {
  test::TempDir tmp;
  const std::string path = (tmp / "paper.json").string();
  std::mt19937_64 rng(19);
  std::set<std::string> acked;
  for (int round = 0; round < 8; ++round) {
    int fds[2];
    ASSERT_EQ(pipe(fds), 0);
    const pid_t pid = fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      close(fds[0]);
      run_child(path, fds[1]);
    }
    close(fds[1]);
    std::this_thread::sleep_for(std::chrono::microseconds(2'000 + rng() % 30'000));
    kill(pid, SIGKILL);
    int status = 0;
    waitpid(pid, &status, 0);
    ASSERT_TRUE(WIFSIGNALED(status)) << "the child ended by itself, status " << status;
    // Everything acknowledged before the kill.
    FILE* acks = fdopen(fds[0], "r");
    char line[64];
    while (std::fgets(line, sizeof line, acks)) acked.insert(std::string(line, 34));
    std::fclose(acks);

    BookBroker broker = BookBroker::restore(eth(), options(path));
    const auto fills = broker.fills_since(0);
    std::set<std::string> filled;
    for (const auto& fill : fills) {
      ASSERT_TRUE(fill.cloid.has_value());
      EXPECT_TRUE(filled.insert(*fill.cloid).second) << "two fills for " << *fill.cloid;
    }
    for (const std::string& cloid : acked) {
      const auto order = broker.order_status(cloid);
      ASSERT_TRUE(order.has_value()) << "answered but not saved: " << cloid;
      EXPECT_EQ(order->status, "filled");
    }
    // The state may be ahead of the acknowledgements by the one order killed before its ack.
    EXPECT_GE(fills.size(), acked.size());
    EXPECT_LE(fills.size(), acked.size() + 1);
    // Buys on even steps, sells on odd ones: the position is 0.01 after an odd count of fills.
    const auto account = broker.account();
    const Units held = account.positions.empty() ? 0 : account.positions[0].szi;
    EXPECT_EQ(held, fills.size() % 2 == 1 ? kStepSize : 0);
    acked.insert(filled.begin(), filled.end());  // what the next child resumes after
  }
  std::printf("orders placed over the kills: %zu\n", acked.size());
  EXPECT_GT(acked.size(), 8u) << "the children placed too few orders to test anything";
}

}  // namespace
}  // namespace organism::exec
