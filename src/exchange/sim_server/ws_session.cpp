// WebSocket sessions of the simulator (PROTOCOL §4): subscribe/unsubscribe with acknowledgements
// echoing the subscription as received, ping/pong, post requests, idle close, the limits of §10.
#include "exchange/sim_server/server_impl.hpp"

#include <exception>

#include <fmt/format.h>

#include "core/json_input.hpp"
#include "core/text.hpp"

namespace organism::exchange::sim_server {

namespace {

std::string channel_message(std::string_view channel, const Json& data) {
  Json message;
  message["channel"] = channel;
  message["data"] = data;
  return message.dump();
}

}  // namespace

WsSession::WsSession(Server::Impl& server, beast::tcp_stream stream, std::string ip, std::uint64_t id)
    : server_(server), ws_(std::move(stream)), ip_(std::move(ip)), id_(id), wake_(server.ioc), idle_(server.ioc) {}

net::awaitable<void> WsSession::run(http::request<http::string_body> upgrade) {
  auto self = shared_from_this();
  server_.sessions[id_] = self;
  ++server_.ws_connections_by_ip[ip_];
  beast::error_code ec;
  ws_.read_message_max(server_.options.max_ws_frame_bytes);
  ws_.set_option(websocket::stream_base::decorator(
      [](websocket::response_type& res) { res.set(http::field::server, "organism-exchange-sim"); }));
  co_await ws_.async_accept(upgrade, net::redirect_error(net::use_awaitable, ec));
  if (ec) {
    unregister();
    co_return;
  }
  last_message_ms_ = server_.elapsed_ms();
  net::co_spawn(server_.ioc, write_loop(), net::detached);
  net::co_spawn(server_.ioc, idle_watchdog(), net::detached);
  beast::flat_buffer buffer;
  while (!closed_) {
    co_await ws_.async_read(buffer, net::redirect_error(net::use_awaitable, ec));
    // A frame over the size limit fails here after Beast has sent close 1009 (message too big).
    if (ec) break;
    const auto data = buffer.cdata();
    const std::string text(static_cast<const char*>(data.data()), data.size());
    buffer.consume(buffer.size());
    last_message_ms_ = server_.elapsed_ms();
    if (closed_) break;
    on_message(text);
    server_.publish();
  }
  unregister();
}

void WsSession::unregister() {
  if (!closed_) drop();
  if (server_.sessions.erase(id_) == 0) return;  // already done
  for (const auto& [key, sub] : subscriptions_) {
    auto it = server_.subscribers.find(key);
    if (it != server_.subscribers.end()) {
      it->second.erase(id_);
      if (it->second.empty()) server_.subscribers.erase(it);
    }
    if (sub.user_specific) {
      auto& users = server_.users_by_ip[ip_];
      const std::string user = sub.request.value("user", std::string{});
      if (--users[core::to_lower(user)] <= 0) users.erase(core::to_lower(user));
      if (users.empty()) server_.users_by_ip.erase(ip_);
    }
  }
  subscriptions_.clear();
  if (--server_.ws_connections_by_ip[ip_] <= 0) server_.ws_connections_by_ip.erase(ip_);
}

void WsSession::drop() {
  if (closed_) return;
  closed_ = true;
  beast::error_code ec;
  beast::get_lowest_layer(ws_).socket().shutdown(tcp::socket::shutdown_both, ec);
  beast::get_lowest_layer(ws_).socket().close(ec);
  wake_.cancel();
  idle_.cancel();
}

void WsSession::send(std::shared_ptr<const std::string> text) {
  if (closed_) return;
  if (queue_.size() >= server_.options.ws_queue_limit) {
    drop();  // a consumer this far behind is cut off, as the exchange does with slow readers
    return;
  }
  if (server_.faults.malform_next_frame()) text = std::make_shared<const std::string>(server_.faults.malformed(*text));
  queue_.push_back(std::move(text));
  if (queue_.size() == 1) wake_.cancel();
}

net::awaitable<void> WsSession::write_loop() {
  auto self = shared_from_this();
  beast::error_code ec;
  ws_.text(true);
  while (!closed_) {
    if (queue_.empty()) {
      if (close_after_queue_) {
        co_await ws_.async_close(websocket::close_reason(websocket::close_code::normal, "idle timeout"),
                                 net::redirect_error(net::use_awaitable, ec));
        drop();
        break;
      }
      wake_.expires_at(net::steady_timer::time_point::max());
      co_await wake_.async_wait(net::redirect_error(net::use_awaitable, ec));
      continue;
    }
    auto text = std::move(queue_.front());
    queue_.pop_front();
    co_await ws_.async_write(net::buffer(*text), net::redirect_error(net::use_awaitable, ec));
    if (ec) {
      drop();
      break;
    }
  }
}

net::awaitable<void> WsSession::idle_watchdog() {
  auto self = shared_from_this();
  beast::error_code ec;
  while (!closed_) {
    const TimeMs idle_for = server_.elapsed_ms() - last_message_ms_;
    if (idle_for >= server_.options.ws_idle_ms) {
      // §4.4: closed when the client sent nothing for the idle time; pending frames go first.
      close_after_queue_ = true;
      wake_.cancel();
      break;
    }
    idle_.expires_after(std::chrono::milliseconds(server_.options.ws_idle_ms - idle_for));
    co_await idle_.async_wait(net::redirect_error(net::use_awaitable, ec));
  }
}

void WsSession::error(std::string_view text) { send(channel_message("error", Json(std::string(text)))); }

void WsSession::on_message(std::string_view text) {
  const TimeMs now = server_.elapsed_ms();
  if (!server_.ws_messages.admits(ip_, now)) {
    error("Too many messages: at most 2000 per minute");
    return;
  }
  server_.ws_messages.charge(ip_, 1, now);
  Json message;
  try {
    message = core::parse_ordered_json(text, "websocket message", 64);
  } catch (const std::exception&) {
    error(fmt::format("Error parsing JSON into valid websocket request: {}", core::quoted_text(text)));
    return;
  }
  const auto method = message.is_object() && message.contains("method") && message["method"].is_string()
                          ? message["method"].get<std::string>()
                          : std::string{};
  try {
    if (method == "ping") {
      send(std::string(R"({"channel":"pong"})"));
    } else if ((method == "subscribe" || method == "unsubscribe") && message.contains("subscription")) {
      subscribe(message["subscription"], method == "unsubscribe");
    } else if (method == "post") {
      post(message);
    } else {
      error(fmt::format("Error parsing JSON into valid websocket request: {}", core::quoted_text(text)));
    }
  } catch (const std::exception& e) {
    error(fmt::format("Internal error: {}", e.what()));
  }
}

void WsSession::subscribe(const Json& subscription, bool unsubscribe) {
  std::string why;
  auto parsed = server_.handler.parse_subscription(subscription, why);
  if (!parsed) {
    error(why.empty() ? fmt::format("Invalid subscription {}", subscription.dump()) : why);
    return;
  }
  const std::string key = parsed->key;
  const Json ack{{"method", unsubscribe ? "unsubscribe" : "subscribe"}, {"subscription", subscription}};
  if (unsubscribe) {
    auto it = subscriptions_.find(key);
    if (it == subscriptions_.end() || it->second.request != subscription) {
      error(fmt::format("Already unsubscribed: {}", subscription.dump()));
      return;
    }
    if (it->second.user_specific) {
      auto& users = server_.users_by_ip[ip_];
      const std::string user = core::to_lower(subscription.value("user", std::string{}));
      if (--users[user] <= 0) users.erase(user);
    }
    subscriptions_.erase(it);
    auto sub_it = server_.subscribers.find(key);
    if (sub_it != server_.subscribers.end()) {
      sub_it->second.erase(id_);
      if (sub_it->second.empty()) server_.subscribers.erase(sub_it);
    }
    send(channel_message("subscriptionResponse", ack));
    return;
  }
  if (subscriptions_.count(key)) {
    error(fmt::format("Already subscribed: {}", subscription.dump()));
    return;
  }
  if (subscriptions_.size() >= server_.options.ws_subscriptions_per_connection) {
    error(fmt::format("Cannot track more than {} total subscriptions", server_.options.ws_subscriptions_per_connection));
    return;
  }
  if (parsed->user_specific) {
    auto& users = server_.users_by_ip[ip_];
    const std::string user = core::to_lower(subscription.value("user", std::string{}));
    if (!users.count(user) && users.size() >= server_.options.ws_users_per_ip) {
      error(fmt::format("Cannot track more than {} total users", server_.options.ws_users_per_ip));
      return;
    }
    ++users[user];
  }
  // Publish what happened so far first: the snapshot then starts where the feed goes on.
  server_.publish();
  subscriptions_.emplace(key, *parsed);
  server_.subscribers[key][id_] = this;
  send(channel_message("subscriptionResponse", ack));
  for (auto& text : server_.handler.snapshot(*parsed)) send(std::move(text));
}

void WsSession::send_post_reply(const Json& id, std::string payload_json) {
  send(fmt::format(R"({{"channel":"post","data":{{"id":{},"response":{}}}}})", id.dump(), payload_json));
}

void WsSession::post(const Json& message) {
  const auto id_it = message.find("id");
  const auto request_it = message.find("request");
  if (id_it == message.end() || !id_it->is_number_integer() || request_it == message.end() ||
      !request_it->is_object() || !request_it->contains("type") || !request_it->contains("payload")) {
    error(fmt::format("Error parsing JSON into valid websocket request: {}", core::quoted_json(message)));
    return;
  }
  const Json id = *id_it;
  const std::string type = (*request_it)["type"].is_string() ? (*request_it)["type"].get<std::string>() : "";
  const Json& payload = (*request_it)["payload"];
  if (posts_in_flight_ >= server_.options.ws_posts_in_flight) {
    send_post_reply(id, R"({"type":"error","payload":"Too many in-flight post requests"})");
    return;
  }
  std::string response;
  if (type == "info" || type == "action") {
    const std::string body = payload.dump();
    const Reply reply = type == "info" ? server_.handler.info(body) : server_.handler.exchange(body);
    if (type == "action" && reply.json()) {
      server_.dirty = true;
      server_.save_state();
    }
    if (!reply.json()) {
      response = fmt::format(R"({{"type":"error","payload":{}}})", Json(fmt::format("{} {}", reply.status, reply.body)).dump());
    } else if (type == "info") {
      const Json info_type = payload.is_object() && payload.contains("type") ? payload["type"] : Json();
      response = fmt::format(R"({{"type":"info","payload":{{"type":{},"data":{}}}}})", info_type.dump(), reply.body);
    } else {
      response = fmt::format(R"({{"type":"action","payload":{}}})", reply.body);
    }
  } else {
    response = R"({"type":"error","payload":"422 Failed to deserialize the JSON body into the target type"})";
  }
  const TimeMs delay = server_.faults.spec().delay_ms;
  if (delay <= 0) {
    send_post_reply(id, std::move(response));
    return;
  }
  ++posts_in_flight_;
  net::co_spawn(
      server_.ioc,
      [self = shared_from_this(), id, response = std::move(response), delay]() mutable -> net::awaitable<void> {
        net::steady_timer timer(self->server_.ioc, std::chrono::milliseconds(delay));
        beast::error_code ec;
        co_await timer.async_wait(net::redirect_error(net::use_awaitable, ec));
        --self->posts_in_flight_;
        self->send_post_reply(id, std::move(response));
      },
      net::detached);
}

}  // namespace organism::exchange::sim_server
