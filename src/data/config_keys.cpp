// The data layer's configuration keys (config_keys.hpp).
#include "data/config_keys.hpp"

#include <string>

#include "core/config.hpp"
#include "core/text.hpp"

namespace organism::data {

std::vector<core::ConfigKey> config_keys() {
  namespace check = core::check;
  using core::format_number;
  return {
      {"db", std::string(defaults::kDb), "the store: a SQLite file path, or a postgresql:// URL (docs/data.md)", check::nonempty()},
      {"data.venue", "", "venue used when a coin exists on several venues and --venue is not given",
       check::text()},
      {"import.skip_bad", defaults::kSkipBad ? "true" : "false",
       "skip and count bad rows instead of rejecting the file", check::boolean()},
      {"quality.outlier_sigmas", format_number(defaults::kOutlierSigmas),
       "returns beyond this many robust standard deviations are outliers",
       check::number(core::above(0))},
      {"synth.coins", std::string(defaults::kSynthCoins), "coins of the synthetic market",
       check::distinct_names()},
      {"synth.interval", std::string(defaults::kSynthInterval),
       "bar interval of the synthetic market", check::interval()},
      {"synth.bars", std::to_string(defaults::kSynthBars), "bars per coin of the synthetic market",
       check::whole(core::closed(1, static_cast<double>(kMaxSynthBars)))},
      {"synth.seed", std::to_string(defaults::kSynthSeed), "seed of the synthetic market",
       check::whole(core::at_least(0))},
      {"synth.venue", std::string(defaults::kSynthVenue),
       "venue name the synthetic market is stored under", check::nonempty()},
      {"synth.correlation", format_number(defaults::kSynthCorrelation),
       "pairwise correlation of the synthetic coins' return shocks",
       check::number(core::closed_open(-1, 1), "at least -1/(coins - 1)")},
      {"synth.start", std::string(defaults::kSynthStart),
       "first bar of the synthetic market (UTC date or epoch ms)", check::utc_time()},
  };
}

}  // namespace organism::data
