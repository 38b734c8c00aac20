#include "backtest/models.hpp"

#include <cmath>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "core/error.hpp"
#include "core/text.hpp"

namespace organism::backtest {

namespace {

void require(bool ok, std::string_view what) {
  if (!ok) throw core::UsageError(std::string(what));
}

bool fraction_ok(double v) { return std::isfinite(v) && v >= 0 && v < 1; }

}  // namespace

void check_config(const BacktestConfig& c) {
  require(std::isfinite(c.initial_cash) && c.initial_cash > 0, "initial cash must be positive");
  require(std::isfinite(c.leverage) && c.leverage > 0 && c.leverage <= 100, "leverage must be in (0, 100]");
  require(fraction_ok(c.fees.taker) && fraction_ok(c.fees.maker), "fees must be fractions in [0, 1)");
  require(fraction_ok(c.slippage.fraction), "slippage must be a fraction in [0, 1)");
  require(fraction_ok(c.stops.stop_loss), "stop-loss must be a fraction in [0, 1)");
  require(std::isfinite(c.stops.take_profit) && c.stops.take_profit >= 0, "take-profit must be >= 0");
  require(fraction_ok(c.stops.trailing), "trailing stop must be a fraction in [0, 1)");
  require(std::isfinite(c.min_trade) && c.min_trade >= 0, "minimum trade size must be >= 0");
  require(fraction_ok(c.drawdown_stop.fraction), "drawdown stop must be a fraction in [0, 1)");
  require(!c.drawdown_stop.on() || c.drawdown_stop.cooldown >= 1, "drawdown stop cooldown must be >= 1 bar");
}

std::string_view fill_model_name(FillModel model) {
  return model == FillModel::NextOpen ? "next_open" : "close";
}

FillModel parse_fill_model(std::string_view text) {
  if (text == "next_open") return FillModel::NextOpen;
  if (text == "close") return FillModel::Close;
  throw core::UsageError(fmt::format("unknown fill model '{}' (next_open, close)", text));
}

nlohmann::json costs_to_json(const BacktestConfig& c) {
  return nlohmann::json{{"taker_fee", c.fees.taker},
                        {"maker_fee", c.fees.maker},
                        {"slippage", c.slippage.fraction},
                        {"fill", std::string(fill_model_name(c.fill))},
                        {"funding", c.funding}};
}

BacktestConfig costs_from_json(const nlohmann::json& j, BacktestConfig base) {
  try {
    base.fees.taker = j.value("taker_fee", base.fees.taker);
    base.fees.maker = j.value("maker_fee", base.fees.maker);
    base.slippage.fraction = j.value("slippage", base.slippage.fraction);
    if (j.contains("fill")) base.fill = parse_fill_model(j.at("fill").get<std::string>());
    base.funding = j.value("funding", base.funding);
    check_config(base);
  } catch (const std::exception& e) {
    // Stored data, not the user's input: a runtime error, not a usage error.
    throw core::Error(fmt::format("stored cost model {} is unreadable: {}", j.dump(), e.what()));
  }
  return base;
}

std::string describe_costs(const BacktestConfig& c) {
  const auto pct = [](double v) { return fmt::format("{:g}%", v * 100); };
  return fmt::format("taker {} maker {} slippage {} fill {} funding {}", pct(c.fees.taker), pct(c.fees.maker),
                     pct(c.slippage.fraction), fill_model_name(c.fill), c.funding ? "on" : "off");
}

void apply_vectorbt_parity(BacktestConfig& config) {
  config.fill = FillModel::Close;
  config.stops.anchor = StopAnchor::EntryClose;
  config.slippage.on_stop_exits = false;
}

std::vector<std::pair<std::string, std::string>> describe(const BacktestConfig& c, bool has_funding) {
  auto num = [](double v) { return core::format_number(v); };
  std::string stops = "none";
  if (c.stops.any()) {
    stops = fmt::format("intrabar_high_low(stop_loss={},take_profit={},trailing={},anchor={},stop_first)",
                        num(c.stops.stop_loss), num(c.stops.take_profit), num(c.stops.trailing),
                        c.stops.anchor == StopAnchor::EntryFill ? "entry_fill" : "entry_close");
  }
  std::vector<std::pair<std::string, std::string>> out{
      {"fill_model", std::string(fill_model_name(c.fill))},
      {"fee_model", fmt::format("maker_taker(taker={},maker={},market_fills_pay_taker)", num(c.fees.taker), num(c.fees.maker))},
      {"slippage_model", fmt::format("fraction({}{})", num(c.slippage.fraction), c.slippage.on_stop_exits ? "" : ",not_on_stop_exits")},
      {"funding_model", c.funding && has_funding ? "hourly(notional_x_rate,longs_pay_positive)" : "off"},
      {"sizing_model", fmt::format("target_fraction_of_equity_net_of_costs(leverage={},min_trade={},rebalance={})",
                                   num(c.leverage), num(c.min_trade), c.rebalance == Rebalance::OnChange ? "on_change" : "every_bar")},
      {"stop_model", stops},
  };
  // Only when on, so that the assumptions printed for every run without it are unchanged.
  if (c.drawdown_stop.on()) {
    out.emplace_back("drawdown_stop", fmt::format("flat_after_close(fraction={},cooldown_bars={},of_account_equity)",
                                                  num(c.drawdown_stop.fraction), c.drawdown_stop.cooldown));
  }
  return out;
}

}  // namespace organism::backtest
