// The real `organism exchange-sim` for tests: a small stored market (BTC and ETH 1m bars made by
// the test and imported with `organism data import`), the server as a child process on a
// kernel-chosen port, and signed request bodies from the vectors' test keys.
#pragma once

#include <sys/types.h>

#include <csignal>
#include <cstdint>
#include <string>
#include <vector>

#include "exchange/hyperliquid/signing.hpp"
#include "exchange_test_support.hpp"
#include "support/test_support.hpp"

namespace organism::test {

// 900 one-minute bars of BTC and ETH from 2024-01-01 00:00 UTC, with hourly funding, in a
// store built once per test process; its path.
const std::string& sim_test_store();
inline constexpr std::int64_t kSimFirstBar = 1704067200000;  // 2024-01-01 00:00 UTC

class SimProcess {
 public:
  // Starts `organism --db DB exchange-sim --port 0 ARGS...` and waits for its listening line
  // (fails the test with its stderr when none comes within 20 s).
  explicit SimProcess(const std::vector<std::string>& args, const std::string& db = sim_test_store());
  ~SimProcess();
  SimProcess(const SimProcess&) = delete;
  SimProcess& operator=(const SimProcess&) = delete;

  std::uint16_t port() const { return port_; }
  const std::string& first_line() const { return first_line_; }
  bool started() const { return port_ != 0; }
  bool alive() const;
  // Sends `signal` and waits for the exit; the exit code (128 + signal when killed by it).
  int stop(int signal = SIGTERM);
  std::string err() const;

 private:
  TempDir dir_;
  pid_t pid_ = -1;
  mutable bool reaped_ = false;  // alive() reaps a child that exited on its own
  mutable int status_ = 0;
  std::uint16_t port_ = 0;
  std::string first_line_;
};

// Signs actions as one of vectors.json's keys, with nonces from the wall clock, strictly rising.
class TestSigner {
 public:
  explicit TestSigner(int key_index = 0, bool mainnet = true);
  std::string address() const;  // lower case
  // {"action":…,"nonce":…,"signature":…,"vaultAddress":null} ready for POST /exchange.
  std::string envelope(const exchange::hl::Json& action);
  std::uint64_t last_nonce() const { return nonce_; }

 private:
  exchange::hl::PrivateKey key_;
  bool mainnet_;
  std::uint64_t nonce_ = 0;
};

// The test keys of vectors.json ("keys"), read from ../shared (empty when absent).
std::vector<std::string> vector_keys();

// A limit order action on one asset (exchange_test_support.hpp).
using exchange::test_support::order_action;

}  // namespace organism::test
