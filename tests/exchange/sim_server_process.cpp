#include "sim_server_process.hpp"

#include <sys/wait.h>

#include <chrono>
#include <cmath>
#include <fstream>
#include <stdexcept>
#include <thread>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "core/clock.hpp"
#include "core/json_input.hpp"

namespace organism::test {

namespace {

std::string synthetic_bars(double base, double swing, double period) {
  std::string csv = "time,open,high,low,close,volume\n";
  double prev = base;
  for (int i = 0; i < 900; ++i) {
    const double close = std::round((base + swing * std::sin(i / period) + i * base * 1e-5) * 10) / 10;
    const double open = prev;
    const double high = std::max(open, close) + base * 0.0004;
    const double low = std::min(open, close) - base * 0.0003;
    csv += fmt::format("{},{},{:.1f},{:.1f},{},{}\n", kSimFirstBar + i * 60000LL, open, high, low, close, 5 + i % 7);
    prev = close;
  }
  return csv;
}

std::string hourly_funding() {
  std::string csv = "time,rate\n";
  for (int h = 0; h < 16; ++h) csv += fmt::format("{},{}\n", kSimFirstBar + h * 3600000LL, h % 2 ? "0.0000125" : "-0.00001");
  return csv;
}

}  // namespace

const std::string& sim_test_store() {
  static TempDir dir;
  static const std::string path = [] {
    const std::string db = (dir.path() / "sim.db").string();
    write_file(dir / "btc.csv", synthetic_bars(42000, 400, 40));
    write_file(dir / "eth.csv", synthetic_bars(2200, 30, 25));
    write_file(dir / "btc-funding.csv", hourly_funding());
    for (const auto& [file, coin, kind] : std::vector<std::tuple<std::string, std::string, std::string>>{
             {"btc.csv", "BTC", "candles"}, {"eth.csv", "ETH", "candles"}, {"btc-funding.csv", "BTC", "funding"}}) {
      std::vector<std::string> args{"--db", db, "data", "import", "--venue", "hyperliquid", "--coin", coin, "--kind", kind};
      if (kind == "candles") args.insert(args.end(), {"--interval", "1m"});
      args.push_back((dir / file).string());
      const auto r = run_organism(args);
      if (r.exit_code != 0) throw std::runtime_error("test store import failed: " + r.err);
    }
    return db;
  }();
  return path;
}

SimProcess::SimProcess(const std::vector<std::string>& args, const std::string& db) {
  std::vector<std::string> all{"--db", db, "exchange-sim", "--port", "0"};
  all.insert(all.end(), args.begin(), args.end());
  pid_ = spawn_organism(all, {}, dir_);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (std::chrono::steady_clock::now() < deadline) {
    const std::string out = read_file(dir_ / "stdout");
    const auto newline = out.find('\n');
    if (newline != std::string::npos) {
      first_line_ = out.substr(0, newline);
      const auto colon = first_line_.rfind(':');
      if (first_line_.starts_with("listening on http://127.0.0.1:") && colon != std::string::npos)
        port_ = static_cast<std::uint16_t>(std::stoi(first_line_.substr(colon + 1)));
      break;
    }
    if (!alive()) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  if (port_ == 0) ADD_FAILURE() << "exchange-sim did not start: " << first_line_ << "\nstderr: " << err();
}

SimProcess::~SimProcess() { stop(SIGKILL); }

bool SimProcess::alive() const {
  if (reaped_) return false;
  if (waitpid(pid_, &status_, WNOHANG) == 0) return true;
  reaped_ = true;
  return false;
}

int SimProcess::stop(int signal) {
  if (!reaped_) {
    ::kill(pid_, signal);
    waitpid(pid_, &status_, 0);
    reaped_ = true;
  }
  return WIFEXITED(status_) ? WEXITSTATUS(status_) : 128 + WTERMSIG(status_);
}

std::string SimProcess::err() const { return read_file(dir_ / "stderr"); }

std::vector<std::string> vector_keys() {
  const auto shared = shared_dir();
  if (!shared) return {};
  const auto doc = core::parse_json(read_file(*shared / "hyperliquid" / "vectors.json"), "vectors.json");
  std::vector<std::string> keys;
  for (const auto& k : doc.at("keys")) keys.push_back(k.at("private_key").get<std::string>());
  return keys;
}

TestSigner::TestSigner(int key_index, bool mainnet)
    : key_(exchange::hl::PrivateKey::from_hex(vector_keys().at(static_cast<std::size_t>(key_index)))),
      mainnet_(mainnet) {}

std::string TestSigner::address() const { return key_.address().hex(); }

std::string TestSigner::envelope(const exchange::hl::Json& action) {
  nonce_ = std::max<std::uint64_t>(nonce_ + 1, static_cast<std::uint64_t>(core::WallClock().now()));
  return exchange::test_support::signed_envelope(action, key_, nonce_, mainnet_).dump();
}

}  // namespace organism::test
