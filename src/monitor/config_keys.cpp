// The alerts.* configuration keys (config_keys.hpp).
#include "monitor/config_keys.hpp"

#include <optional>
#include <string>

#include <fmt/format.h>

#include "core/config.hpp"
#include "core/error.hpp"
#include "core/text.hpp"
#include "exchange/client/http_transport.hpp"

namespace organism::monitor {

namespace {

std::optional<std::string> bad_fraction_list(const std::string& value) {
  for (const auto& item : core::split_list(value)) {
    const auto v = core::parse_double(item);
    if (!v || !(*v > 0 && *v < 1)) return fmt::format("'{}' is not a fraction in (0, 1)", item);
  }
  return std::nullopt;
}

std::optional<std::string> bad_url_list(const std::string& value) {
  for (const auto& url : core::split_list(value)) {
    try {
      exchange::client::parse_base_url(url);
    } catch (const core::UsageError& e) {
      return e.what();
    }
  }
  return std::nullopt;
}

}  // namespace

std::vector<core::ConfigKey> config_keys() {
  using core::format_number;
  namespace check = core::check;
  const AlertOptions d;
  std::string thresholds;
  for (const double t : d.drawdown_thresholds) {
    if (!thresholds.empty()) thresholds += ',';
    core::append_number(thresholds, t);
  }
  const auto whole = [](std::int64_t v) { return std::to_string(v); };
  return {
      {"alerts.drawdown_thresholds", thresholds,
       "drawdowns from the equity peak that raise an alert, once per crossing (re-armed below half of each)",
       check::custom("comma-separated fractions in (0, 1)", bad_fraction_list)},
      {"alerts.disconnect_seconds", format_number(d.disconnect_seconds),
       "exchange disconnected or daemon heartbeat older than this (seconds): a critical alert",
       check::number(core::above(0))},
      {"alerts.repeat_seconds", format_number(d.repeat_seconds),
       "the same alert is sent at most once per this many seconds", check::number(core::at_least(0))},
      {"alerts.poll_ms", whole(d.poll_ms), "how often the alert rules read the journals, the store and the daemon's status (ms)",
       check::whole(core::closed(10, 60'000))},
      {"alerts.webhooks", "", "comma-separated URLs alerts are POSTed to as JSON (https; http only to loopback)",
       check::custom("comma-separated https URLs (http only to loopback)", bad_url_list)},
      {"alerts.webhook_timeout_ms", whole(d.webhook_timeout_ms), "timeout of one webhook POST (connect and reply, ms)",
       check::whole(core::closed(1, 600'000))},
      {"alerts.webhook_retries", whole(d.webhook_retries),
       "retries of a failed webhook POST, waiting 250 ms, then twice as long each time", check::whole(core::closed(0, 20))},
      {"alerts.log", d.log ? "true" : "false", "write every alert to the log (one line)", check::boolean()},
  };
}

AlertOptions alert_options_from(const core::Config& config) {
  AlertOptions o;
  o.drawdown_thresholds.clear();
  for (const auto& item : config.get_list("alerts.drawdown_thresholds")) o.drawdown_thresholds.push_back(core::parse_double(item).value_or(0));
  o.disconnect_seconds = config.get_double("alerts.disconnect_seconds");
  o.repeat_seconds = config.get_double("alerts.repeat_seconds");
  o.poll_ms = static_cast<int>(config.get_int("alerts.poll_ms"));
  o.webhooks = config.get_list("alerts.webhooks");
  o.webhook_timeout_ms = static_cast<int>(config.get_int("alerts.webhook_timeout_ms"));
  o.webhook_retries = static_cast<int>(config.get_int("alerts.webhook_retries"));
  o.log = config.get_bool("alerts.log");
  return o;
}

}  // namespace organism::monitor
