// The simulator's transport alone: the Server over a small scripted Handler, in this process, on
// loopback. Paths, methods, status codes, body limits, the REST budget, WebSocket subscribe acks,
// ping, post, idle close, connection caps, fan-out, faults and the state saved before replies.
#include <gtest/gtest.h>

#include <thread>

#include "core/json_input.hpp"
#include "exchange/sim_server/server.hpp"
#include "sim_server_client.hpp"
#include "support/test_support.hpp"

namespace organism::exchange::sim_server {
namespace {

using namespace std::chrono_literals;

// Answers info with the request's type, exchange with an ok envelope; subscriptions to
// {"type":"trades"|"l2Book","coin":C}; publishes what the test queues.
class ScriptedHandler final : public Handler {
 public:
  Reply info(std::string_view body) override {
    Json request;
    try {
      request = core::parse_ordered_json(body, "body");
    } catch (const std::exception&) {
      return {422, "Failed to deserialize the JSON body into the target type"};
    }
    if (!request.is_object() || !request.contains("type")) return {422, "Failed to deserialize the JSON body into the target type"};
    if (request["type"] == "list") return {200, "[1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21]"};
    return {200, Json{{"echo", request["type"]}}.dump()};
  }
  Reply exchange(std::string_view) override {
    ++actions;
    return {200, R"({"status":"ok","response":{"type":"default"}})"};
  }
  Reply control(std::string_view body) override {
    controls.push_back(std::string(body));
    if (body.find("advance") != std::string_view::npos) {
      time += 1000;
      return {200, R"({"status":"ok"})"};
    }
    return {400, "bad control"};
  }
  int info_weight(std::string_view body, const Reply&) override {
    return body.find("l2Book") != std::string_view::npos ? 2 : 20;
  }
  int exchange_weight(std::string_view) override { return 1; }
  TimeMs market_time() const override { return time; }
  void advance_to(TimeMs t) override { time = t; }
  std::optional<Subscription> parse_subscription(const Json& s, std::string& error) override {
    if (!s.is_object() || !s.contains("coin") || !s["coin"].is_string() || !s.contains("type")) {
      error = "Invalid subscription " + s.dump();
      return std::nullopt;
    }
    const std::string type = s["type"].is_string() ? s["type"].get<std::string>() : "";
    if (type != "trades" && type != "l2Book" && type != "orderUpdates") {
      error = "Invalid subscription " + s.dump();
      return std::nullopt;
    }
    return Subscription{s, type + ":" + s["coin"].get<std::string>(), type, type == "orderUpdates"};
  }
  std::vector<std::string> snapshot(const Subscription& s) override {
    if (s.channel == "l2Book") return {R"({"channel":"l2Book","data":{"snapshot":true}})"};
    return {};
  }
  std::vector<FeedMessage> publish(const std::function<bool(const std::string&)>& wanted) override {
    std::vector<FeedMessage> out;
    for (auto& m : pending)
      if (wanted(m.key)) out.push_back(m);
    pending.clear();
    return out;
  }
  Json state() const override { return Json{{"actions", actions}}; }

  TimeMs time = 1000;
  int actions = 0;
  std::vector<std::string> controls;
  std::vector<FeedMessage> pending;  // touched only on the server thread (through control)
};

// The server on its own thread; stopped and joined on destruction.
class RunningServer {
 public:
  RunningServer(Handler& handler, ServerOptions options, const StateFile* file = nullptr)
      : server_(handler, std::move(options), file), thread_([this] { server_.run(); }) {}
  ~RunningServer() {
    server_.stop();
    thread_.join();
  }
  std::uint16_t port() const { return server_.port(); }

 private:
  Server server_;
  std::thread thread_;
};

TEST(SimServerTransport, RoutesPathsAndMethodsWithTheirStatusesAndContentTypes) {
  ScriptedHandler handler;
  RunningServer server(handler, {});
  test::HttpClient http(server.port());
  auto ok = http.post("/info", R"({"type":"meta"})");
  EXPECT_EQ(ok.status, 200);
  EXPECT_EQ(ok.body, R"({"echo":"meta"})");
  EXPECT_EQ(ok.content_type, "application/json");
  auto bad = http.post("/info", "{not json");
  EXPECT_EQ(bad.status, 422);
  EXPECT_EQ(bad.body, "Failed to deserialize the JSON body into the target type");
  EXPECT_EQ(bad.content_type, "text/plain; charset=utf-8");
  EXPECT_EQ(http.post("/nowhere", "{}").status, 404);
  EXPECT_EQ(http.post("/nowhere", "{}").body, "Not Found");
  auto get = http.request("GET", "/info", "");
  EXPECT_EQ(get.status, 405);
  EXPECT_EQ(get.body, "Method Not Allowed");
  EXPECT_EQ(http.post("/exchange", "{}").body, R"({"status":"ok","response":{"type":"default"}})");
  EXPECT_EQ(http.post("/control", R"({"type":"nope"})").status, 400);
  EXPECT_EQ(http.post("/control", R"({"type":"nope"})").body, "bad control");
}

TEST(SimServerTransport, ABodyOverTheLimitIs413AndTheServerGoesOn) {
  ScriptedHandler handler;
  ServerOptions options;
  options.max_body_bytes = 1000;
  RunningServer server(handler, options);
  test::HttpClient http(server.port());
  auto big = http.post("/info", std::string(1001, ' '));
  EXPECT_EQ(big.status, 413);
  EXPECT_EQ(big.body, "Payload Too Large");
  EXPECT_EQ(http.post("/info", std::string(980, ' ') + R"({"type":"x"})").status, 200);
}

TEST(SimServerTransport, RestWeightOver1200PerMinuteGets429) {
  ScriptedHandler handler;
  RunningServer server(handler, {});
  test::HttpClient http(server.port());
  // meta weighs 20 here: 60 requests spend 1200, the 61st is refused without reaching the handler.
  for (int i = 0; i < 60; ++i) ASSERT_EQ(http.post("/info", R"({"type":"meta"})").status, 200) << i;
  auto refused = http.post("/info", R"({"type":"meta"})");
  EXPECT_EQ(refused.status, 429);
  EXPECT_EQ(refused.body, "Too Many Requests");
  EXPECT_EQ(http.post("/exchange", "{}").status, 429);
  EXPECT_EQ(http.post("/control", R"({"type":"advance"})").status, 200);  // control is not rate limited
  EXPECT_EQ(handler.actions, 0);
}

TEST(SimServerTransport, SubscribeAckEchoesTheSubscriptionAsSentThenSnapshotAndFeed) {
  ScriptedHandler handler;
  RunningServer server(handler, {});
  test::WsClient ws(server.port());
  ASSERT_TRUE(ws.ok());
  ws.send(R"({"method":"subscribe","subscription":{"type":"l2Book","coin":"BTC","nSigFigs":null,"mantissa":null}})");
  EXPECT_EQ(ws.next().value_or(""),
            R"({"channel":"subscriptionResponse","data":{"method":"subscribe","subscription":{"type":"l2Book","coin":"BTC","nSigFigs":null,"mantissa":null}}})");
  EXPECT_EQ(ws.next().value_or(""), R"({"channel":"l2Book","data":{"snapshot":true}})");
  ws.send(R"({"method":"subscribe","subscription":{"type":"l2Book","coin":"BTC","nSigFigs":null,"mantissa":null}})");
  EXPECT_EQ(ws.next().value_or(""),
            R"({"channel":"error","data":"Already subscribed: {\"type\":\"l2Book\",\"coin\":\"BTC\",\"nSigFigs\":null,\"mantissa\":null}"})");
  ws.send(R"({"method":"subscribe","subscription":{"type":"bogus"}})");
  EXPECT_EQ(ws.next().value_or(""), R"({"channel":"error","data":"Invalid subscription {\"type\":\"bogus\"}"})");
  ws.send(R"({"method":"ping"})");
  EXPECT_EQ(ws.next().value_or(""), R"({"channel":"pong"})");
  // An unsubscribe must equal the live subscription.
  ws.send(R"({"method":"unsubscribe","subscription":{"type":"l2Book","coin":"BTC"}})");
  EXPECT_EQ(ws.next().value_or("").find(R"({"channel":"error","data":"Already unsubscribed)"), 0u);
  ws.send(R"({"method":"unsubscribe","subscription":{"type":"l2Book","coin":"BTC","nSigFigs":null,"mantissa":null}})");
  EXPECT_EQ(ws.next().value_or(""),
            R"({"channel":"subscriptionResponse","data":{"method":"unsubscribe","subscription":{"type":"l2Book","coin":"BTC","nSigFigs":null,"mantissa":null}}})");
  ws.send("not json");
  EXPECT_EQ(ws.next().value_or(""), R"({"channel":"error","data":"Error parsing JSON into valid websocket request: not json"})");
}

TEST(SimServerTransport, PostRequestsWrapInfoActionAndErrorReplies) {
  ScriptedHandler handler;
  RunningServer server(handler, {});
  test::WsClient ws(server.port());
  ASSERT_TRUE(ws.ok());
  ws.send(R"({"method":"post","id":256,"request":{"type":"info","payload":{"type":"l2Book","coin":"ETH"}}})");
  EXPECT_EQ(ws.next().value_or(""),
            R"({"channel":"post","data":{"id":256,"response":{"type":"info","payload":{"type":"l2Book","data":{"echo":"l2Book"}}}}})");
  ws.send(R"({"method":"post","id":257,"request":{"type":"action","payload":{"action":{"type":"noop"}}}})");
  EXPECT_EQ(ws.next().value_or(""),
            R"({"channel":"post","data":{"id":257,"response":{"type":"action","payload":{"status":"ok","response":{"type":"default"}}}}})");
  ws.send(R"({"method":"post","id":258,"request":{"type":"info","payload":[]}})");
  EXPECT_EQ(ws.next().value_or(""),
            R"({"channel":"post","data":{"id":258,"response":{"type":"error","payload":"422 Failed to deserialize the JSON body into the target type"}}})");
  EXPECT_EQ(handler.actions, 1);
}

TEST(SimServerTransport, IdleConnectionsCloseAndPingsKeepThemOpen) {
  ScriptedHandler handler;
  ServerOptions options;
  options.ws_idle_ms = 400;
  RunningServer server(handler, options);
  test::WsClient quiet(server.port());
  test::WsClient chatty(server.port());
  ASSERT_TRUE(quiet.ok() && chatty.ok());
  for (int i = 0; i < 6; ++i) {
    chatty.send(R"({"method":"ping"})");
    std::this_thread::sleep_for(150ms);
  }
  EXPECT_TRUE(quiet.wait_closed(1000ms));
  EXPECT_EQ(quiet.close_code(), 1000);
  EXPECT_FALSE(chatty.wait_closed(10ms));
}

TEST(SimServerTransport, TheEleventhConnectionOfAnIpIsRefused) {
  ScriptedHandler handler;
  RunningServer server(handler, {});
  std::vector<std::unique_ptr<test::WsClient>> clients;
  for (int i = 0; i < 10; ++i) {
    clients.push_back(std::make_unique<test::WsClient>(server.port()));
    ASSERT_TRUE(clients.back()->ok()) << i;
  }
  test::WsClient eleventh(server.port());
  EXPECT_FALSE(eleventh.ok());
  const auto refused = test::raw_request(server.port(), test::kRawUpgrade, 500ms);
  EXPECT_EQ(refused.substr(0, 30), "HTTP/1.1 429 Too Many Requests");
  EXPECT_NE(refused.find("Too many WebSocket connections"), std::string::npos);
  clients.pop_back();  // one closes: a slot frees up (the per-minute cap of 30 still has room)
  std::this_thread::sleep_for(100ms);
  test::WsClient again(server.port());
  EXPECT_TRUE(again.ok());
}

TEST(SimServerTransport, OversizedFramesCloseWith1009) {
  ScriptedHandler handler;
  ServerOptions options;
  options.max_ws_frame_bytes = 1000;
  RunningServer server(handler, options);
  test::WsClient ws(server.port());
  ASSERT_TRUE(ws.ok());
  ws.send(std::string(2000, 'x'));
  EXPECT_TRUE(ws.wait_closed(2000ms));
  EXPECT_EQ(ws.close_code(), 1009);
}

TEST(SimServerTransport, DropWsFaultSetByControlClosesEveryConnection) {
  ScriptedHandler handler;
  RunningServer server(handler, {});
  test::HttpClient http(server.port());
  test::WsClient a(server.port()), b(server.port());
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(http.post("/control", R"({"type":"fault","fault":"dropWs","everySeconds":0.3})").body, R"({"status":"ok"})");
  EXPECT_TRUE(a.wait_closed(2000ms));
  EXPECT_TRUE(b.wait_closed(2000ms));
  EXPECT_EQ(http.post("/control", R"({"type":"fault","fault":"dropWs"})").body, "dropWs needs everySeconds > 0");
}

TEST(SimServerTransport, DelayFaultAddsLatencyToEveryReply) {
  ScriptedHandler handler;
  ServerOptions options;
  options.faults = parse_fault_spec("delay=300");
  RunningServer server(handler, options);
  test::HttpClient http(server.port());
  const auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(http.post("/info", R"({"type":"meta"})").status, 200);
  const auto took = std::chrono::steady_clock::now() - start;
  EXPECT_GE(took, 300ms);
  EXPECT_LT(took, 1500ms);
}

TEST(SimServerTransport, StateIsSavedBeforeAnActionIsAnswered) {
  ScriptedHandler handler;
  test::TempDir tmp;
  StateFile file((tmp.path() / "s").string(), StateOrigin{{"BTC"}, "1m", 1, 0, 1});
  RunningServer server(handler, {}, &file);
  test::HttpClient http(server.port());
  EXPECT_EQ(http.post("/exchange", "{}").status, 200);
  // The reply is out: the file already holds the state that includes the action.
  EXPECT_EQ(file.load().value_or(Json()).dump(), R"({"actions":1})");
  EXPECT_EQ(http.post("/exchange", "{}").status, 200);
  EXPECT_EQ(file.load().value_or(Json()).dump(), R"({"actions":2})");
}

}  // namespace
}  // namespace organism::exchange::sim_server
