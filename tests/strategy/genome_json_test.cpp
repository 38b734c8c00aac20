// Canonical JSON: round trips of random genomes byte for byte, clamping on load, errors on
// unknown keys and wrong types, key-order independence, and the FNV-1a id.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <regex>

#include "core/error.hpp"
#include "strategy/genome.hpp"

namespace organism::strategy {
namespace {

TEST(GenomeJson, RandomGenomesRoundTripByteForByte) {
  const auto families = all_families();
  for (std::uint64_t seed = 0; seed < 5000; ++seed) {
    core::Rng rng(seed, {7});
    const Family& f = *families[rng.below(families.size())];
    const Genome g = random_genome(f, rng);
    const std::string text = to_json(g);
    const Genome back = from_json(text);
    ASSERT_EQ(back.params, g.params) << text;
    ASSERT_EQ(canonical_json(back), canonical_json(g)) << text;
    ASSERT_EQ(to_json(back), text);
    ASSERT_EQ(genome_id(back), genome_id(g));
    ASSERT_EQ(from_json(canonical_json(g)).params, g.params);  // the compact form parses too
  }
}

TEST(GenomeJson, CanonicalFormIsSortedCompactAndTyped) {
  Genome g = default_genome(find_family("rsi_reversion"));
  g.generation = 3;
  EXPECT_EQ(
      canonical_json(g),
      R"({"family":"rsi_reversion","generation":3,"params":{"exit_level":50.0,"overbought":70.0,"oversold":30.0,"period":14},)"
      R"("regime":{"fg_high":80.0,"fg_low":20.0,"fg_on":false,"median_window":240,"vol_filter_on":false,"vol_k":1.5,"vol_window":24},)"
      R"("risk":{"leverage":1.0,"stop_loss":0.0,"take_profit":0.0,"trailing":0.0,"vol_target":0.5,"vol_target_on":false,"vol_window":24}})");
  const Genome e = default_genome(find_family("ema_cross"));
  EXPECT_NE(canonical_json(e).find(R"("confirm":"none")"), std::string::npos);
}

TEST(GenomeJson, KeyOrderAndWhitespaceDoNotMatter) {
  const Genome a = from_json(R"({"params": {"slow": 40, "fast": 5}, "family": "ema_cross"})");
  const Genome b = from_json(R"({"family":"ema_cross","params":{"fast":5,"slow":40}})");
  EXPECT_EQ(canonical_json(a), canonical_json(b));
  EXPECT_EQ(genome_id(a), genome_id(b));
}

TEST(GenomeJson, ValuesAreClampedAndRoundedOnLoad) {
  const Genome g = from_json(
      R"({"family":"ema_cross","params":{"fast":1,"slow":9999,"confirm_period":7.6},"risk":{"stop_loss":3,"leverage":-1},)"
      R"("regime":{"fg_low":90,"fg_high":10,"vol_k":0}})");
  const auto& specs = find_family("ema_cross").params();
  EXPECT_EQ(g.params[0], specs[0].lo);
  EXPECT_EQ(g.params[1], specs[1].hi);
  EXPECT_EQ(g.params[3], 8);
  EXPECT_EQ(g.risk.stop_loss, 0.5);
  EXPECT_EQ(g.risk.leverage, 0.1);
  EXPECT_EQ(g.regime.fg_low, 10);  // the band's bounds are sorted
  EXPECT_EQ(g.regime.fg_high, 90);
  EXPECT_EQ(g.regime.vol_k, 0.5);
}

TEST(GenomeJson, MissingValuesTakeDefaults) {
  const Genome g = from_json(R"({"family":"atr_stop"})");
  EXPECT_EQ(canonical_json(g), canonical_json(default_genome(find_family("atr_stop"))));
}

TEST(GenomeJson, BadInputIsAnErrorNamingTheKey) {
  auto message = [](const std::string& text) {
    try {
      from_json(text);
    } catch (const core::Error& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_NE(message(R"({"family":"ema_cross","colour":1})").find("'colour'"), std::string::npos);
  EXPECT_NE(message(R"({"family":"ema_cross","params":{"fats":3}})").find("params.fats"),
            std::string::npos);
  EXPECT_NE(message(R"({"family":"ema_cross","risk":{"stop":0.1}})").find("risk.stop"),
            std::string::npos);
  EXPECT_NE(message(R"({"family":"ema_cross","params":{"fast":"3"}})").find("params.fast"),
            std::string::npos);
  EXPECT_NE(message(R"({"family":"ema_cross","params":{"confirm":"maybe"}})").find("momentum"),
            std::string::npos);
  EXPECT_NE(message(R"({"family":"ema_cross","regime":{"fg_on":1}})").find("true or false"),
            std::string::npos);
  EXPECT_NE(message(R"({"family":"nope"})").find("ema_cross"), std::string::npos);
  EXPECT_NE(message(R"({"params":{}})").find("family"), std::string::npos);
  EXPECT_NE(message("[1,2]").find("object"), std::string::npos);
  EXPECT_NE(message("{").find("JSON"), std::string::npos);
}

TEST(GenomeId, Fnv1a64KnownValues) {
  EXPECT_EQ(fnv1a64(""), 0xcbf29ce484222325ULL);
  EXPECT_EQ(fnv1a64("a"), 0xaf63dc4c8601ec8cULL);
  EXPECT_EQ(fnv1a64("foobar"), 0x85944171f73967e8ULL);
}

TEST(GenomeId, FormatAndStabilityAcrossGenerations) {
  Genome g = default_genome(find_family("donchian_breakout"));
  g.generation = 12;
  const std::string id = genome_id(g);
  EXPECT_TRUE(std::regex_match(id, std::regex("donchian_breakout_12_[0-9a-f]{8}"))) << id;
  Genome later = g;
  later.generation = 40;
  EXPECT_EQ(genome_id(later).substr(genome_id(later).size() - 8), id.substr(id.size() - 8));
  Genome other = g;
  other.params[0] += 1;
  EXPECT_NE(genome_id(other), id);
  // The id is the hash of the canonical JSON at generation 0.
  g.generation = 0;
  EXPECT_EQ(id.substr(id.size() - 8),
            fmt::format("{:016x}", fnv1a64(canonical_json(g))).substr(0, 8));
  // to_json carries the id, and it is ignored on load.
  auto j = nlohmann::json::parse(to_json(g));
  EXPECT_EQ(j["id"], genome_id(g));
  j["id"] = "stale";
  EXPECT_EQ(genome_id(from_json(j.dump())), genome_id(g));
}

}  // namespace
}  // namespace organism::strategy
