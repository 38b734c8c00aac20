// A simulator for trading tests: started at --speed 0 with its market moved 12 ticks, a REST
// session, the info client and the asset directory, and ExchangeClients signing as vectors.json's
// keys (the simulator funds an address on its first action). Used by the trading-call tests.
#pragma once

#include <cstddef>
#include <memory>
#include <string>

#include <gtest/gtest.h>

#include "exchange/client/exchange_client.hpp"
#include "exchange/client/info_client.hpp"
#include "sim_server_client.hpp"
#include "sim_server_process.hpp"

namespace organism::test {

struct TradingSimAccount {
  SimProcess sim{{"--speed", "0", "--coins", "BTC,ETH"}};
  HttpClient http{sim.port()};
  std::shared_ptr<exchange::client::RestSession> session;
  std::unique_ptr<exchange::client::InfoClient> info;
  exchange::hl::AssetDirectory assets;

  TradingSimAccount() {
    EXPECT_TRUE(sim.started());
    EXPECT_EQ(http.post("/control", R"({"type":"advance","steps":12})").status, 200);
    session = std::make_shared<exchange::client::RestSession>("http://127.0.0.1:" + std::to_string(sim.port()),
                                                              nullptr);
    info = std::make_unique<exchange::client::InfoClient>(session);
    assets = info->meta();
  }
  // A client signing as vectors.json's key `key_index`. One per key: two clients of one key would
  // draw nonces from two sources (ExchangeClient::nonces() shares one instead).
  exchange::client::ExchangeClient trader(std::size_t key_index) const {
    return exchange::client::ExchangeClient(session, exchange::hl::PrivateKey::from_hex(vector_keys().at(key_index)),
                                            assets);
  }
};

}  // namespace organism::test
