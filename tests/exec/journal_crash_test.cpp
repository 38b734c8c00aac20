// Crash safety with a real kill -9: a child process journals a fixed script of events and
// acknowledges each step on a pipe once the journal call returned; the parent kills it at a
// seeded random moment, then checks that every acknowledged step is in the journal, that no step
// is half-written, and that the next child resumes from load() where the journal stands.
#include <gtest/gtest.h>

#include <fmt/format.h>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <random>
#include <thread>

#include "exec/journal.hpp"
#include "support/test_support.hpp"

namespace organism::exec {
namespace {

using E = OrderEvent;

// Order i of the script goes new -> sent -> resting, then its fill: the fill, the order's fill
// event and the position change in one batch (step 3), so they exist all three or not at all.
constexpr std::int64_t kStepsPerOrder = 4;
constexpr Units kSizePerOrder = 1'000'000;

OrderIntent script_intent(std::int64_t i) {
  OrderIntent intent;
  intent.strategy_id = "crash_0_00000000";
  intent.coin = "ETH";
  intent.bar_time = 1704067200000 + i * 3'600'000;
  intent.size = kSizePerOrder;
  intent.price = 230'000'000'000;
  return intent;
}

// How many script steps a journal holds, checking on the way that its parts agree.
std::int64_t steps_done(const JournalState& state) {
  const auto last = state.last_fill_by_coin.find("ETH");
  const std::int64_t fills = last == state.last_fill_by_coin.end() ? 0 : static_cast<std::int64_t>(last->second.tid);
  const std::int64_t position = state.positions.empty() ? 0 : state.positions.back().size;
  EXPECT_EQ(position, fills * kSizePerOrder) << "a fill without its position change";
  EXPECT_LE(state.open_orders.size(), 1u);
  EXPECT_EQ(static_cast<std::int64_t>(state.cloids.size() - state.open_orders.size()), fills)
      << "a fill without its order event";
  std::int64_t steps = fills * kStepsPerOrder;
  if (!state.open_orders.empty()) {
    const OrderState open = state.open_orders.back().state;
    steps += open == OrderState::created ? 1 : open == OrderState::sent ? 2 : 3;
  }
  return steps;
}

// Runs script step `step`, `current` being the order it continues.
void run_step(Journal& journal, std::int64_t step, Order& current) {
  const std::int64_t i = step / kStepsPerOrder;
  const core::TimeMs now = 1704067200000 + step;
  switch (step % kStepsPerOrder) {
    case 0:
      current = make_order(script_intent(i), OrderLeg::primary, now);
      journal.record_intent(current);
      break;
    case 1:
      current = journal.record_event(current, {E::sent, now, std::nullopt, 0, 0, 0, ""});
      break;
    case 2:
      current = journal.record_event(current, {E::acked_resting, now, static_cast<std::uint64_t>(i + 1), 0, 0, 0, ""});
      break;
    default:
      journal.batch([&] {
        exchange::client::Fill fill;
        fill.coin = "ETH";
        fill.px = current.intent.price;
        fill.sz = kSizePerOrder;
        fill.buy = true;
        fill.time = now;
        fill.tid = static_cast<std::uint64_t>(i + 1);
        fill.cloid = current.cloid;
        journal.record_fill(fill);
        current = journal.record_event(current, {E::fill, now, std::nullopt, kSizePerOrder, fill.px, 0, ""});
        journal.record_position({"crash_0_00000000", "ETH", (i + 1) * kSizePerOrder, fill.px, 0, 0, 0, now,
                                 fmt::format("fill {}", i + 1)});
      });
  }
}

// The child: resume from the journal, then run steps forever, acknowledging each on `ack_fd`.
[[noreturn]] void journal_until_killed(const std::string& path, int ack_fd) {
  try {
    Journal journal = Journal::open(path);
    const JournalState state = journal.load();
    Order current = state.open_orders.empty() ? Order{} : state.open_orders.back();
    for (std::int64_t step = steps_done(state);; ++step) {
      run_step(journal, step, current);
      if (::write(ack_fd, &step, sizeof step) != static_cast<ssize_t>(sizeof step)) ::_exit(3);
    }
  } catch (...) {
    ::_exit(2);
  }
}

TEST(JournalCrash, EveryAcknowledgedStepSurvivesKill9AtTwentyRandomMoments) {
  test::TempDir dir;
  const std::string path = (dir / "crash.journal.db").string();
  std::mt19937_64 random(19);
  std::int64_t acknowledged = 0;  // steps acknowledged over all rounds
  for (int round = 0; round < 20; ++round) {
    int fds[2];
    ASSERT_EQ(::pipe(fds), 0);
    const pid_t child = ::fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
      ::close(fds[0]);
      journal_until_killed(path, fds[1]);
    }
    ::close(fds[1]);
    // Kill after a random number of acknowledgements plus a random delay, so the kill lands
    // anywhere: between steps, inside a transaction, inside an fsync.
    const int acks_before_kill = std::uniform_int_distribution<int>(1, 40)(random);
    const auto delay = std::chrono::microseconds(std::uniform_int_distribution<int>(0, 3000)(random));
    std::int64_t step = -1;
    for (int n = 0; n < acks_before_kill; ++n) {
      ASSERT_EQ(::read(fds[0], &step, sizeof step), static_cast<ssize_t>(sizeof step)) << "round " << round;
    }
    std::this_thread::sleep_for(delay);
    ASSERT_EQ(::kill(child, SIGKILL), 0);
    int status = 0;
    ASSERT_EQ(::waitpid(child, &status, 0), child);
    ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) << "round " << round << " status " << status;
    while (::read(fds[0], &step, sizeof step) == static_cast<ssize_t>(sizeof step)) {
    }
    ::close(fds[0]);
    ASSERT_EQ(step + 1 >= acknowledged, true);
    acknowledged = step + 1;

    Journal journal = Journal::open(path);
    ASSERT_EQ(journal.integrity_check(), "ok") << "round " << round;
    const std::int64_t done = steps_done(journal.load());
    // Every acknowledged step is there; at most the one in flight at the kill is there as well.
    EXPECT_GE(done, acknowledged) << "round " << round;
    EXPECT_LE(done, acknowledged + 1) << "round " << round;
    // The open order's event history replays to its journaled state.
    const JournalState state = journal.load();
    if (!state.open_orders.empty()) {
      const Order& open = state.open_orders.back();
      Order replayed = make_order(open.intent, open.leg, open.created_ms);
      for (const auto& [update, after] : journal.events_of(open.cloid)) {
        replayed = apply(replayed, update);
        EXPECT_EQ(replayed.state, after);
      }
      EXPECT_EQ(replayed, open) << "round " << round;
    }
    acknowledged = done;  // the next child resumes from what the journal holds
  }
  EXPECT_GT(acknowledged, 20);
}

}  // namespace
}  // namespace organism::exec
