// What a file's path says about its contents (venue, coin, interval), and the names' rules.
#include <cctype>
#include <filesystem>

#include "core/time.hpp"
#include "data/import.hpp"

namespace organism::data {
namespace {

// Quote currencies stripped from Binance symbols: BTCUSDT -> BTC.
constexpr std::string_view kQuoteSuffixes[] = {"USDT", "USDC", "BUSD", "FDUSD", "USD"};

std::string strip_extensions(std::string name) {
  for (std::string_view ext : {".gz", ".csv"}) {
    if (name.size() > ext.size() && name.compare(name.size() - ext.size(), ext.size(), ext) == 0) {
      name.resize(name.size() - ext.size());
    }
  }
  return name;
}

}  // namespace

std::string strip_quote_currency(std::string symbol) {
  for (std::string_view quote : kQuoteSuffixes) {
    if (symbol.size() > quote.size() && symbol.ends_with(quote)) {
      symbol.resize(symbol.size() - quote.size());
      break;
    }
  }
  return symbol;
}

PathHints hints_from_path(std::string_view path) {
  namespace fs = std::filesystem;
  const fs::path p{std::string(path)};
  PathHints hints;
  hints.stem = strip_extensions(p.filename().string());
  const std::string parent = p.parent_path().filename().string();
  const std::string grandparent = p.parent_path().parent_path().filename().string();
  if (grandparent == "ohlcv" || grandparent == "funding") hints.venue = parent;

  // <COIN>-<interval>[-anything], e.g. BTC-1h or BTCUSDT-1h-2024-01.
  const auto dash = hints.stem.find('-');
  std::string coin = hints.stem.substr(0, dash);
  if (dash != std::string::npos) {
    const auto rest = hints.stem.substr(dash + 1);
    const auto interval = rest.substr(0, rest.find('-'));
    if (core::Interval::parse(interval)) {
      hints.interval = interval;
    }
  }
  if (!coin.empty() && (hints.interval || grandparent == "funding")) hints.coin = coin;
  return hints;
}

std::optional<TimeMs> default_funding_interval(std::string_view venue) {
  if (venue == "hyperliquid") return core::kHourMs;
  if (venue == "binance") return 8 * core::kHourMs;
  return std::nullopt;
}

}  // namespace organism::data
