// Every file under ../shared/data goes through import -> store -> export and comes back byte
// for byte (the files are written in shortest round-trip plain decimal, as export writes).
#include <gtest/gtest.h>

#include "data/export.hpp"
#include "data/import.hpp"
#include "data/store.hpp"
#include "support/test_stores.hpp"
#include "support/test_support.hpp"

namespace organism::data {
namespace {

class SharedDataOnBoth : public testing::TestWithParam<test::Backend> {};

TEST_P(SharedDataOnBoth, EveryFileRoundTripsThroughTheStore) {
  const auto shared = test::shared_dir();
  if (!shared) GTEST_SKIP() << "../shared is absent: shared-data round trip not run";
  std::vector<test::fs::path> files;
  for (const auto& e : test::fs::recursive_directory_iterator(*shared / "data")) {
    if (e.is_regular_file() && e.path().extension() == ".gz") files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  ASSERT_GE(files.size(), 70u);

  ORGANISM_TEST_STORE(loc, GetParam());
  auto store = Store::open(loc.location());
  std::size_t rows = 0;
  for (const auto& path : files) {
    SCOPED_TRACE(path.string());
    const auto parsed = parse_file(path.string(), {});
    const auto out = (loc.dir() / "out.csv").string();
    if (parsed.candles) {
      const auto c = store.upsert_candles(parsed.candles->key, parsed.candles->bars.view());
      EXPECT_EQ(c.inserted, static_cast<std::int64_t>(parsed.rows));
      write_candles_csv(out, store.load_candles(parsed.candles->key)->view());
    } else if (parsed.funding) {
      store.upsert_funding(*parsed.funding);
      write_funding_csv(out, *store.load_funding(parsed.funding->venue, parsed.funding->coin));
    } else {
      store.upsert_sentiment(*parsed.sentiment);
      write_sentiment_csv(out, *store.load_sentiment(parsed.sentiment->source));
    }
    rows += parsed.rows;
    const std::string original = test::read_file(path);
    const std::string exported = test::read_file(out);
    ASSERT_EQ(original.size(), exported.size());
    EXPECT_TRUE(original == exported);
  }
  EXPECT_GT(rows, 1'000'000u);
}

INSTANTIATE_TEST_SUITE_P(Backends, SharedDataOnBoth, test::kBothBackends, test::BackendName{});

}  // namespace
}  // namespace organism::data
