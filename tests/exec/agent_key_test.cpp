// The agent key: a file readable by others is refused with the fix, a malformed key is refused
// without being echoed, the environment serves when no file is given, and after trading with the
// key through the live broker the journal's files hold no trace of it.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <filesystem>

#include "core/error.hpp"
#include "exchange/trading_sim.hpp"
#include "exec/agent_key.hpp"
#include "exec/live_broker.hpp"
#include "exec/order_manager.hpp"
#include "support/test_support.hpp"

namespace organism::exec {
namespace {

std::string key_hex() { return ::organism::test::vector_keys().at(0); }  // as vectors.json has it

std::string bare(std::string hex) { return hex.starts_with("0x") ? hex.substr(2) : hex; }

std::string usage_error_of(const std::string& file) {
  try {
    load_agent_key(file);
  } catch (const core::UsageError& e) {
    return e.what();
  }
  return "no error";
}

std::string write_key(const ::organism::test::TempDir& dir, const std::string& text, mode_t mode) {
  const std::string path = (dir / "agent.key").string();
  ::organism::test::write_file(path, text);
  EXPECT_EQ(::chmod(path.c_str(), mode), 0);
  return path;
}

TEST(AgentKey, AFileOthersMayReadIsRefusedWithItsModeAndTheFix) {
  ::organism::test::TempDir dir;
  const std::string path = write_key(dir, key_hex() + "\n", 0644);
  const std::string message = usage_error_of(path);
  EXPECT_EQ(message, "key file " + path +
                         " has mode 0644: group or others may read it; an agent key must be readable by its owner "
                         "only (chmod 600 " + path + ")");
  EXPECT_EQ(message.find(bare(key_hex())), std::string::npos);
  write_key(dir, key_hex(), 0640);
  EXPECT_NE(usage_error_of(path).find("has mode 0640"), std::string::npos);
}

TEST(AgentKey, OwnerOnlyFilesAreAcceptedWithOrWithoutThePrefixAndWhitespace) {
  ::organism::test::TempDir dir;
  const auto expected = exchange::hl::PrivateKey::from_hex(key_hex()).address();
  EXPECT_EQ(load_agent_key(write_key(dir, "  " + key_hex() + "\n", 0600)).address(), expected);
  std::string upper = bare(key_hex());
  std::transform(upper.begin(), upper.end(), upper.begin(), [](unsigned char c) { return std::toupper(c); });
  EXPECT_EQ(load_agent_key(write_key(dir, upper, 0400)).address(), expected);
}

TEST(AgentKey, AMalformedKeyIsRefusedWithoutBeingEchoed) {
  ::organism::test::TempDir dir;
  const std::string almost = bare(key_hex()).substr(0, 63);
  const std::string path = write_key(dir, almost, 0600);
  const std::string message = usage_error_of(path);
  EXPECT_EQ(message, "key file " + path + ": not an agent key (expected 64 hex digits, \"0x\" optional, nothing else)");
  EXPECT_EQ(message.find(almost.substr(0, 16)), std::string::npos);
  write_key(dir, std::string(64, '0'), 0600);  // hex, but not a secp256k1 key
  EXPECT_EQ(usage_error_of(path), "key file " + path + ": 64 hex digits that are not a valid secp256k1 private key");
  EXPECT_NE(usage_error_of((dir / "missing.key").string()).find("No such file"), std::string::npos);
}

TEST(AgentKey, TheEnvironmentServesWhenNoFileIsGiven) {
  ::setenv(kAgentKeyEnv, key_hex().c_str(), 1);
  EXPECT_EQ(load_agent_key("").address(), exchange::hl::PrivateKey::from_hex(key_hex()).address());
  ::unsetenv(kAgentKeyEnv);
  EXPECT_EQ(usage_error_of(""),
            "no agent key: give --key-file FILE (mode 0600) or set the environment variable ORGANISM_AGENT_KEY");
}

TEST(AgentKey, AfterTradingTheJournalFilesHoldNoTraceOfTheKey) {
  ::organism::test::TradingSimAccount sim;
  ::organism::test::TempDir dir;
  const std::string journal_path = (dir / "organism.journal.db").string();
  {
    Journal journal = Journal::open(journal_path);
    LiveBrokerOptions options;
    options.url = "http://127.0.0.1:" + std::to_string(sim.sim.port());
    LiveBroker broker(load_agent_key(write_key(dir, key_hex(), 0600)), options);
    OrderManager orders(journal, broker);
    orders.reconcile();
    OrderIntent in;
    in.strategy_id = "ema_cross_0_1a2b3c4d";
    in.coin = "ETH";
    in.size = 1'000'000;
    ASSERT_EQ(orders.submit({in}).placed.at(0).state, OrderState::filled);
    orders.poll();
    ASSERT_EQ(orders.position("ETH"), 1'000'000);
    // Everything written while the journal is open (the WAL and its index included).
    std::string bytes;
    for (const auto& entry : std::filesystem::directory_iterator(dir.path())) {
      if (entry.path().filename().string().starts_with("organism.journal")) bytes += ::organism::test::read_file(entry.path());
    }
    std::string lower = bytes;
    std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
    EXPECT_GT(bytes.size(), 4096u);
    EXPECT_EQ(lower.find(bare(key_hex())), std::string::npos);
    EXPECT_EQ(lower.find(key_hex()), std::string::npos);
    // The raw 32 bytes too.
    const auto key = exchange::hl::PrivateKey::from_hex(key_hex());
    const auto& secret = key.secret();
    EXPECT_EQ(bytes.find(std::string(secret.begin(), secret.end())), std::string::npos);
  }
  std::string bytes = ::organism::test::read_file(journal_path);
  std::transform(bytes.begin(), bytes.end(), bytes.begin(), [](unsigned char c) { return std::tolower(c); });
  EXPECT_EQ(bytes.find(bare(key_hex())), std::string::npos);
}

}  // namespace
}  // namespace organism::exec
