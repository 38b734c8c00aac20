// A trading session against `organism exchange-sim --speed 0` for the cli tests: the simulator on
// the real ETH 1h bars, the trader's own store with 500 fetched bars, a key file (mode 0600), and
// a driver that advances the market one bar and reads the account's ETH position. The simulator's REST limit is lifted: the
// market moves a bar per few ms here, not per hour, and every process shares one IP.
// Used by trade_crash_test.cpp and paper_command_test.cpp.
#pragma once

#include <sys/stat.h>

#include <chrono>
#include <cstdint>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "core/time.hpp"
#include "exchange/sim_server_client.hpp"
#include "exchange/sim_server_process.hpp"
#include "support/test_support.hpp"

namespace organism::test {

// A genome that changes its target every few hourly bars of the ETH series: orders to look at.
inline constexpr const char* kBusyGenome = R"({"family":"ema_cross","params":{"fast":2,"slow":3}})";

inline constexpr std::int64_t kHourMs = 3'600'000;

// The simulator's store: the real ETH 1h file, imported once per test process; empty without
// ../shared.
inline const std::string& eth_sim_store() {
  static TempDir dir;
  static const std::string path = [] {
    const auto shared = shared_dir();
    if (!shared) return std::string{};
    const std::string db = (dir.path() / "sim.db").string();
    const auto r = run_organism({"--db", db, "data", "import", "--venue", "hyperliquid",
                                 (*shared / "data/ohlcv/hyperliquid/ETH-1h.csv.gz").string()});
    if (r.exit_code != 0) throw std::runtime_error("ETH import failed: " + r.err);
    return db;
  }();
  return path;
}

// One simulator and one trader's files in `dir`.
class TradeSim {
 public:
  // `extra_sim_args`: more simulator flags (e.g. --testnet).
  explicit TradeSim(const fs::path& dir, const std::vector<std::string>& extra_sim_args = {})
      : dir_(dir),
        sim_(sim_args(dir, extra_sim_args), eth_sim_store()),
        http_(sim_.port()) {
    const auto fetched = run_organism({"--db", store(), "data", "fetch", "--url", url(), "--coins", "ETH",
                                       "--interval", "1h", "--since", "2023-01-01"});
    EXPECT_EQ(fetched.exit_code, 0) << fetched.err;
    write_file(key_file(), vector_keys().at(0));
    chmod(key_file().c_str(), 0600);
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(sim_.port()); }
  std::string store() const { return (dir_ / "t.db").string(); }
  std::string key_file() const { return (dir_ / "key").string(); }
  std::string order_log() const { return read_file(dir_ / "orders.log"); }

  // One bar forward (12 ticks per bar); the status line prefix of the bar that just closed.
  std::string advance_bar() {
    const auto r = http_.post("/control", R"({"type":"advance","steps":12})");
    EXPECT_EQ(r.status, 200) << r.body;
    const auto t = nlohmann::json::parse(r.body).at("marketTime").get<std::int64_t>();
    return core::format_utc(t - kHourMs) + " equity";
  }
  // `steps` ticks forward (12 per bar), not necessarily to a bar's close; the market time after.
  std::int64_t advance_steps(int steps) {
    const auto r = http_.post("/control", fmt::format(R"({{"type":"advance","steps":{}}})", steps));
    EXPECT_EQ(r.status, 200) << r.body;
    return nlohmann::json::parse(r.body).at("marketTime").get<std::int64_t>();
  }
  // A request to /info, its JSON reply.
  nlohmann::json info(const std::string& body) {
    const auto r = http_.post("/info", body);
    EXPECT_EQ(r.status, 200) << body << " -> " << r.body;
    return r.status == 200 ? nlohmann::json::parse(r.body) : nlohmann::json();
  }
  // The account's open orders as the exchange keeps them.
  nlohmann::json open_orders(const std::string& address) {
    return info(R"({"type":"openOrders","user":")" + address + "\"}");
  }
  // A control request (faults: docs/exchange-sim.md), checked for success.
  void control(const std::string& body) {
    const auto r = http_.post("/control", body);
    EXPECT_EQ(r.status, 200) << body << " -> " << r.body;
  }
  // The account's ETH position (szi) as the exchange keeps it; 0 when flat.
  double eth_position(const std::string& address) {
    const auto r = http_.post("/info", R"({"type":"clearinghouseState","user":")" + address + "\"}");
    EXPECT_EQ(r.status, 200) << r.body;
    // Parsed into a local: a range-for over a member of parse()'s temporary would read freed memory.
    const auto state = nlohmann::json::parse(r.body);
    for (const auto& p : state.at("assetPositions")) {
      if (p.at("position").at("coin") == "ETH") return std::stod(p.at("position").at("szi").get<std::string>());
    }
    return 0;
  }

 private:
  static std::vector<std::string> sim_args(const fs::path& dir, const std::vector<std::string>& extra) {
    std::vector<std::string> args{"--coins", "ETH", "--interval", "1h", "--speed", "0", "--order-log",
                                  (dir / "orders.log").string(), "--rest-weight-per-minute", "10000000"};
    args.insert(args.end(), extra.begin(), extra.end());
    return args;
  }
  fs::path dir_;
  SimProcess sim_;
  HttpClient http_;
};

// The cloids of the simulator's order log, and how many lines carried each.
struct OrderLogCount {
  std::int64_t orders = 0;
  std::vector<std::string> repeated{};  // cloids placed more than once
};

inline OrderLogCount count_order_log(const std::string& log) {
  OrderLogCount count;
  std::set<std::string> seen;
  std::istringstream lines(log);
  for (std::string line; std::getline(lines, line);) {
    if (line.empty()) continue;
    const auto j = nlohmann::json::parse(line);
    ++count.orders;
    const std::string cloid = j.contains("cloid") && j["cloid"].is_string() ? j["cloid"].get<std::string>() : "";
    if (!seen.insert(cloid).second) count.repeated.push_back(cloid);
  }
  return count;
}

}  // namespace organism::test
