// The drawdown-stop genes of the risk block (dd_stop, dd_cooldown): in the JSON and the id only
// when on, clamped, described, and handed to the backtest config.
#include <gtest/gtest.h>

#include "core/error.hpp"
#include "evolve/genome_config.hpp"
#include "strategy/genome.hpp"

namespace organism::strategy {
namespace {

Genome with_stop(double dd_stop, int cooldown) {
  Genome g = default_genome("ema_cross");
  g.risk.dd_stop = dd_stop;
  g.risk.dd_cooldown = cooldown;
  return g;
}

TEST(DrawdownStopGene, OffWritesNoKeySoTheJsonAndIdAreThoseOfBefore) {
  const Genome off = default_genome("ema_cross");
  EXPECT_EQ(off.risk.dd_stop, 0);
  EXPECT_EQ(canonical_json(off).find("dd_"), std::string::npos);
  // A cooldown without a stop has no effect: clamped back to the default, not written.
  const Genome idle = with_stop(0, 100);
  Genome clamped = idle;
  clamp(clamped);
  EXPECT_EQ(clamped.risk.dd_cooldown, 24);
  EXPECT_EQ(genome_id(idle), genome_id(off));
  EXPECT_EQ(canonical_json(clamped), canonical_json(off));
}

TEST(DrawdownStopGene, OnRoundTripsThroughTheRiskObjectAndChangesTheId) {
  const Genome on = with_stop(0.08, 48);
  const std::string json = canonical_json(on);
  EXPECT_NE(json.find("\"dd_cooldown\":48,\"dd_stop\":0.08,"), std::string::npos) << json;
  const Genome back = from_json(json);
  EXPECT_EQ(back.risk.dd_stop, 0.08);
  EXPECT_EQ(back.risk.dd_cooldown, 48);
  EXPECT_EQ(canonical_json(back), json);
  EXPECT_NE(genome_id(on), genome_id(default_genome("ema_cross")));
  EXPECT_EQ(active_genes(on), active_genes(default_genome("ema_cross")) + 2);
  EXPECT_NE(describe(on).find("drawdown stop 8% of its own equity from the peak (then flat 48 bars)"),
            std::string::npos)
      << describe(on);
}

TEST(DrawdownStopGene, ParsedValuesAreClampedAndWrongTypesNamed) {
  const Genome tight = from_json(R"({"family":"ema_cross","risk":{"dd_stop":0.005,"dd_cooldown":5000}})");
  EXPECT_EQ(tight.risk.dd_stop, kMinDdStop);
  EXPECT_EQ(tight.risk.dd_cooldown, 720);
  const Genome wide = from_json(R"({"family":"ema_cross","risk":{"dd_stop":0.9,"stop_loss":0.05}})");
  EXPECT_EQ(wide.risk.dd_stop, 0.5);
  EXPECT_EQ(wide.risk.dd_cooldown, 24);
  EXPECT_EQ(wide.risk.stop_loss, 0.05);
  try {
    from_json(R"({"family":"ema_cross","risk":{"dd_stop":"high"}})");
    FAIL() << "a string dd_stop was accepted";
  } catch (const core::Error& e) {
    EXPECT_NE(std::string(e.what()).find("risk.dd_stop"), std::string::npos) << e.what();
  }
  try {
    from_json(R"({"family":"ema_cross","risk":{"dd_stops":0.1}})");
    FAIL() << "an unknown risk key was accepted";
  } catch (const core::Error& e) {
    EXPECT_NE(std::string(e.what()).find("dd_cooldown"), std::string::npos) << e.what();  // the known keys
  }
}

TEST(DrawdownStopGene, ReachesTheBacktestConfig) {
  const auto config = evolve::backtest_config(with_stop(0.12, 30), {});
  EXPECT_EQ(config.drawdown_stop.fraction, 0.12);
  EXPECT_EQ(config.drawdown_stop.cooldown, 30);
  EXPECT_FALSE(evolve::backtest_config(default_genome("ema_cross"), {}).drawdown_stop.on());
}

}  // namespace
}  // namespace organism::strategy
