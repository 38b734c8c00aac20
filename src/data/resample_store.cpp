// Resampling inside the store (resample_store.hpp).
#include "data/resample_store.hpp"

#include <map>
#include <ranges>

#include <fmt/format.h>

#include "core/error.hpp"

namespace organism::data {
namespace {

bool tiles(const core::Interval& from, const core::Interval& to) {
  try {
    check_resample_intervals(from, to);
    return true;
  } catch (const core::UsageError&) {
    return false;
  }
}

// Resampling must not quietly replace bars that came from elsewhere (a venue's own 1h candles
// differ from 5m ones resampled): without --overwrite, any stored bar that differs is an error.
void check_no_clobber(Store& store, const SeriesKey& key, const Candles& fresh) {
  const auto stored = store.load_candles(key);
  if (!stored || stored->empty()) return;
  std::size_t differ = 0;
  std::optional<std::size_t> first;
  for (std::size_t i = 0, j = 0; i < fresh.size(); ++i) {
    while (j < stored->size() && stored->time()[j] < fresh.time()[i]) ++j;
    if (j == stored->size()) break;
    if (stored->time()[j] != fresh.time()[i]) continue;
    const auto a = fresh.bar(i), b = stored->bar(j);
    if (a.open != b.open || a.high != b.high || a.low != b.low || a.close != b.close || a.volume != b.volume) {
      if (!first) first = i;
      ++differ;
    }
  }
  if (differ == 0) return;
  throw core::Error(fmt::format("{} resampled bars differ from the stored {} bars (first at {}); pass --overwrite "
                                "to replace them",
                                differ, key.label(), core::format_utc(fresh.time()[*first])));
}

// Source interval for a (venue, coin): `from`, else the largest stored interval below `to`
// that tiles it (larger sources mean less work and the same result).
std::optional<core::Interval> pick_source(const std::vector<core::Interval>& stored, const core::Interval& to,
                                          const std::string& from) {
  if (!from.empty()) {
    const auto f = core::Interval::parse_or_throw(from);
    for (const auto& s : stored) {
      if (s == f) return f;
    }
    return std::nullopt;
  }
  std::optional<core::Interval> best;
  for (const auto& s : stored) {
    if (s.nominal_ms() >= to.nominal_ms() || !tiles(s, to)) continue;
    if (!best || s.nominal_ms() > best->nominal_ms()) best = s;
  }
  return best;
}

}  // namespace

std::vector<StoreResampled> resample_in_store(Store& store, const StoreResampleRequest& request) {
  const auto& to = request.to;
  std::map<std::pair<std::string, std::string>, std::vector<core::Interval>> groups;
  for (const auto& s : store.list_series()) {
    if ((!request.venue.empty() && s.key.venue != request.venue) || (!request.coin.empty() && s.key.coin != request.coin)) {
      continue;
    }
    groups[{s.key.venue, s.key.coin}].push_back(s.key.interval);
  }
  if (groups.empty()) throw core::Error("no stored series match (see 'organism data list')");
  std::vector<StoreResampled> out;
  auto tx = store.transaction();
  std::size_t written = 0;
  for (const auto& [venue_coin, intervals] : groups) {
    const auto& [venue, coin] = venue_coin;
    auto& done = out.emplace_back(StoreResampled{venue, coin, std::nullopt, SeriesKey{venue, coin, to}, {}, {}});
    const auto source = pick_source(intervals, to, request.from);
    if (!source) continue;
    done.source = SeriesKey{venue, coin, *source};
    const auto bars = store.load_candles(*done.source);
    done.result = resample(bars->view(), *source, to);
    if (!request.overwrite) check_no_clobber(store, done.target, done.result.bars);
    done.counts = store.upsert_candles(done.target, done.result.bars.view());
    ++written;
  }
  if (written == 0) {
    std::string which;
    for (const auto& [venue, coin] : groups | std::views::keys) which += (which.empty() ? "" : ", ") + venue + ":" + coin;
    throw core::Error(fmt::format("nothing could be resampled to {}: no stored interval makes {} bars{} for {}",
                                  to.name(), to.name(), request.from.empty() ? "" : " from " + request.from, which));
  }
  tx.commit();
  return out;
}

}  // namespace organism::data
