// Regime breaks of the replayed market (regime_break.hpp).
#include "exchange/sim/regime_break.hpp"

#include <fmt/format.h>

#include <cmath>
#include <stdexcept>

#include "core/error.hpp"
#include "core/text.hpp"

namespace organism::exchange::sim {

double regime_price(double x, double pivot, double exponent) {
  return pivot * std::pow(x / pivot, exponent);
}

data::Bar regime_bar(const data::Bar& bar, double pivot, double exponent) {
  data::Bar out = bar;
  out.open = regime_price(bar.open, pivot, exponent);
  out.close = regime_price(bar.close, pivot, exponent);
  const double from_high = regime_price(bar.high, pivot, exponent);
  const double from_low = regime_price(bar.low, pivot, exponent);
  // The map decreases when exponent < 0: the old low becomes the new high.
  out.high = exponent < 0 ? from_low : from_high;
  out.low = exponent < 0 ? from_high : from_low;
  return out;
}

void check_regime_exponent(double exponent) {
  if (!std::isfinite(exponent) || exponent == 0 || std::fabs(exponent) > kMaxRegimeExponent) {
    throw std::invalid_argument(fmt::format(
        "the exponent must be a non-zero number between -{0} and {0}, got {1}", kMaxRegimeExponent,
        exponent));
  }
}

std::vector<RegimeBreakSpec> parse_regime_breaks(std::string_view spec) {
  std::vector<RegimeBreakSpec> out;
  for (const auto& item : core::split_list(spec)) {
    const auto bad = [&](std::string_view why) {
      return core::UsageError(fmt::format(
          "--regime-break: bad item '{}': {} (expected COIN@TIME:EXP, e.g. BTC@2024-01-01T12:00:-1)",
          item, why));
    };
    const auto at = item.find('@');
    const auto colon = item.rfind(':');
    if (at == std::string::npos || colon == std::string::npos || colon < at) throw bad("no '@' or ':'");
    RegimeBreakSpec b;
    b.coin = item.substr(0, at);
    if (b.coin.empty()) throw bad("COIN is empty");
    const auto time = core::parse_time(std::string_view(item).substr(at + 1, colon - at - 1));
    if (!time) throw bad("TIME must be a UTC date/time or epoch ms");
    b.time = *time;
    const auto exponent = core::parse_double(std::string_view(item).substr(colon + 1));
    if (!exponent) throw bad("EXP must be a number");
    try {
      check_regime_exponent(*exponent);
    } catch (const std::invalid_argument& e) {
      throw bad(e.what());
    }
    b.exponent = *exponent;
    out.push_back(std::move(b));
  }
  if (out.empty()) throw core::UsageError("--regime-break: no item (expected COIN@TIME:EXP[,...])");
  return out;
}

}  // namespace organism::exchange::sim
