// Distinct front members through the real binary: a small `organism evolve` run's JSON holds no
// two members that measure alike on every coin and stage, each member lists its aliases, the
// store keeps representatives only (aliases in their validation record), and the ids are those
// of the stored, normalized genomes.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <set>

#include "data/store.hpp"
#include "strategy/genome.hpp"
#include "support/test_support.hpp"

namespace organism::test {
namespace {

TEST(DistinctFront, EvolveRunListsDistinctMembersWithTheirAliases) {
  TempDir dir;
  const auto r =
      run_organism({"evolve", "--db", (dir / "o.db").string(), "--population", "24",
                    "--generations", "4", "--seed", "1", "--min-trades", "3", "--embargo", "100",
                    "--coins", "BTC,ETH", "--json-out", (dir / "run.json").string()},
                   {"ORGANISM_SYNTH_BARS=3000", "ORGANISM_SYNTH_COINS=BTC,ETH"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("aliases"), std::string::npos) << r.out;
  const auto j = nlohmann::json::parse(read_file(dir / "run.json"));
  const auto& front = j.at("front");
  ASSERT_GE(front.size(), 2u);

  std::set<std::string> ids, alias_ids;
  std::set<nlohmann::json> measured;  // per-coin metrics of every stage
  for (const auto& m : front) {
    ids.insert(m.at("id").get<std::string>());
    ASSERT_TRUE(m.at("aliases").is_array());
    for (const auto& a : m.at("aliases"))
      EXPECT_TRUE(alias_ids.insert(a.get<std::string>()).second) << a;
    EXPECT_EQ(m.at("validation").at("aliases"), m.at("aliases"));
    EXPECT_TRUE(measured.insert(m.at("validation").at("per_coin")).second)
        << m.at("id") << " measures exactly like another member";
    // The stored genome is the normalized one, and its id is its own.
    const auto genome = strategy::from_json(m.at("genome").dump());
    EXPECT_EQ(strategy::genome_id(genome), m.at("id"));
    EXPECT_EQ(strategy::canonical_json(strategy::normalized(genome)), m.at("genome").dump());
  }
  for (const auto& a : alias_ids)
    EXPECT_FALSE(ids.contains(a)) << a << " is both a member and an alias";

  auto store = data::Store::open_existing((dir / "o.db").string());
  const auto stored = store.list_strategies(j.at("run").get<std::string>());
  EXPECT_EQ(stored.size(), front.size());
  for (const auto& s : stored) {
    EXPECT_TRUE(ids.contains(s.id)) << s.id;
    const auto v = nlohmann::json::parse(s.validation);
    EXPECT_TRUE(v.at("aliases").is_array()) << s.id;
  }
  // This seed's front has genomes that trade alike (3 aliases of 19 members when written): they
  // are listed, not dropped.
  EXPECT_GT(alias_ids.size(), 0u);
}

}  // namespace
}  // namespace organism::test
