// Every family fires (entries and exits) on the synthetic patterns, on the pattern it is built
// for in particular, never before its warm-up, and only within [-1, 1].
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <map>

#include "core/error.hpp"
#include "indicators/cache.hpp"
#include "indicators/indicator_set.hpp"
#include "strategy/family.hpp"
#include "strategy/patterns.hpp"

namespace organism::strategy {
namespace {

TEST(FamilyRegistry, FamiliesInNumberOrder) {
  const auto names = family_names();
  // The ten seeds are 1..10, then the machine-learning families 11 svm_classifier and 12
  // pca_tree_quantile.
  ASSERT_EQ(names.size(), 12u);
  for (std::size_t i = 0; i < names.size(); ++i) {
    const Family& f = find_family(names[i]);
    EXPECT_EQ(f.number(), static_cast<int>(i) + 1);
    EXPECT_EQ(f.name(), names[i]);
    for (const auto& s : f.params()) {
      EXPECT_LE(s.lo, s.def) << f.name() << "." << s.name;
      EXPECT_LE(s.def, s.hi) << f.name() << "." << s.name;
    }
  }
  EXPECT_THROW(find_family("nope"), core::UsageError);
}

// The pattern each family is built for.
const std::map<std::string, std::string> kBuiltFor = {
    {"ema_cross", "trend"},
    {"donchian_breakout", "step"},
    {"rsi_reversion", "oscillation"},
    {"stochastic_cross", "oscillation"},
    {"sma_trend", "trend"},
    {"atr_stop", "trend"},
    {"ichimoku_cloud", "trend"},
    {"vwap_reversion", "oscillation"},
    {"vol_scaling", "trend"},
    {"funding_carry", "trend"},  // funding_carry reads funding, which every pattern carries
    {"svm_classifier", "oscillation"},
    {"pca_tree_quantile", "oscillation"}};

// The parameters a family is checked with: its defaults, except that a machine-learning family
// (one with the shared schedule genes, strategy/ml) learns from past bars and its default
// 2000-bar training window never fills inside a 600-bar pattern; it runs with the shortest
// window (200 bars) refit every 50 bars, so its first model trades from about bar 250.
ParamValues checked_params(const Family& f) {
  auto p = default_params(f.params());
  const int window = find_param(f.params(), "window");
  const int refit = find_param(f.params(), "refit_every");
  if (window >= 0 && refit >= 0) {
    p[static_cast<std::size_t>(window)] = 200;
    p[static_cast<std::size_t>(refit)] = 50;
  }
  return p;
}

TEST(FamilySignals, EveryFamilyFiresAndRespectsWarmup) {
  const auto patterns = test::all_patterns();
  for (const Family* f : all_families()) {
    const auto p = checked_params(*f);
    const std::size_t warm = f->warmup(p);
    test::Events total;
    std::string table;
    for (const auto& pat : patterns) {
      std::vector<double> e(pat.bars.size(), 7.0);  // every bar must be written
      f->signal(pat.view(), p, e);
      for (std::size_t i = 0; i < e.size(); ++i) {
        ASSERT_TRUE(e[i] >= -1 && e[i] <= 1)
            << f->name() << " " << pat.name << " bar " << i << ": " << e[i];
        if (i < warm) {
          ASSERT_EQ(e[i], 0.0) << f->name() << " " << pat.name << " signals at bar " << i
                               << " < warm-up " << warm;
        }
      }
      const auto ev = test::count_events(e);
      total.entries += ev.entries;
      total.exits += ev.exits;
      table += fmt::format(" {}:{}/{}", pat.name, ev.entries, ev.exits);
      if (pat.name == kBuiltFor.at(std::string(f->name()))) {
        EXPECT_GT(ev.entries, 0) << f->name() << " never enters on " << pat.name;
        EXPECT_GT(ev.exits, 0) << f->name() << " never exits on " << pat.name;
      }
      // Flat prices carry no signal for a price rule (funding_carry reads funding, not prices).
      if (pat.name == "flat" && f->name() != "funding_carry") {
        EXPECT_EQ(ev.entries, 0) << f->name() << " enters on a flat series";
      }
    }
    EXPECT_GT(total.entries, 0) << f->name();
    EXPECT_GT(total.exits, 0) << f->name();
    std::printf("%-18s warm-up %3zu  entries/exits%s\n", std::string(f->name()).c_str(), warm,
                table.c_str());
  }
}

TEST(FamilySignals, TheIndicatorCacheChangesNothing) {
  const auto pat = test::random_walk(11);
  indicators::IndicatorCache cache(64 << 20);
  for (const Family* f : all_families()) {
    const auto p = checked_params(*f);
    std::vector<double> direct(pat.bars.size()), first(pat.bars.size()), second(pat.bars.size());
    f->signal(pat.view(), p, direct);
    auto view = pat.view();
    view.cache = &cache;
    view.series_id = indicators::series_id("walk", view.bars);
    f->signal(view, p, first);   // fills the cache
    f->signal(view, p, second);  // reads it
    EXPECT_EQ(first, direct) << f->name();
    EXPECT_EQ(second, direct) << f->name();
  }
  EXPECT_GT(cache.stats().hits, 0u);
}

TEST(FamilySignals, FundingCarryIsFlatWithoutFunding) {
  const auto pat = test::trend();
  auto view = pat.view();
  view.funding_per_bar = {};
  const Family& f = find_family("funding_carry");
  std::vector<double> e(pat.bars.size(), 7.0);
  f.signal(view, default_params(f.params()), e);
  for (double x : e) EXPECT_EQ(x, 0.0);
}

TEST(FamilySignals, DescribeMentionsTheParameters) {
  for (const Family* f : all_families()) {
    const auto text = f->describe(default_params(f->params()));
    EXPECT_GT(text.size(), 40u) << f->name();
  }
  EXPECT_NE(find_family("ema_cross")
                .describe(default_params(find_family("ema_cross").params()))
                .find("EMA(12)"),
            std::string::npos);
}

}  // namespace
}  // namespace organism::strategy
