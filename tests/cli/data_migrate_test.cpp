// `organism data migrate` and `data backup` of a server store through the binary: all of
// ../shared/data imported into a SQLite file, migrated into PostgreSQL and back into another file;
// every series exported from the three stores (and from the backup of the server store) is byte
// for byte the same. A second migration into the same database is refused.
#include <algorithm>
#include <filesystem>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "support/test_stores.hpp"
#include "support/test_support.hpp"

namespace organism::test {
namespace {

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

RunResult run(const std::string& db, std::vector<std::string> args) {
  args.insert(args.begin(), {"--db", db, "--progress", "off"});
  return run_organism(args);
}

// The `data export` arguments that write the series a shared file holds: ohlcv/VENUE/COIN-TF,
// funding/VENUE/COIN or sentiment/SOURCE.
std::vector<std::string> export_args(const fs::path& file, const fs::path& data) {
  const auto rel = fs::relative(file, data);
  const std::string kind = rel.begin()->string();
  std::string stem = file.filename().string();
  stem = stem.substr(0, stem.find('.'));
  if (kind == "sentiment") return {"--kind", "sentiment", "--source", stem};
  const std::string venue = std::next(rel.begin())->string();
  if (kind == "funding") return {"--kind", "funding", "--venue", venue, "--coin", stem};
  const auto dash = stem.rfind('-');
  return {"--kind", "candles", "--venue", venue, "--coin", stem.substr(0, dash), "--interval", stem.substr(dash + 1)};
}

// Every series of `files` exported from `db` into `dir`, one file each, named by its index.
void export_all(const std::string& db, const std::vector<fs::path>& files, const fs::path& data, const fs::path& dir) {
  fs::create_directories(dir);
  for (std::size_t i = 0; i < files.size(); ++i) {
    auto args = export_args(files[i], data);
    args.insert(args.begin(), {"data", "export"});
    args.insert(args.end(), {"--out", (dir / (std::to_string(i) + ".csv")).string()});
    const auto r = run(db, args);
    ASSERT_EQ(r.exit_code, 0) << db << " " << files[i] << ": " << r.err;
  }
}

void expect_same_exports(const fs::path& a, const fs::path& b, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) {
    const auto name = std::to_string(i) + ".csv";
    const auto x = read_file(a / name);
    const auto y = read_file(b / name);
    EXPECT_FALSE(x.empty());
    EXPECT_TRUE(x == y) << a / name << " and " << b / name << " differ";
  }
}

TEST(DataMigrate, SharedDataThereAndBackExportsByteIdentical) {
  const auto shared = shared_dir();
  if (!shared) GTEST_SKIP() << "../shared is absent: the migration of the shared data is not run";
  ORGANISM_TEST_STORE(pg, Backend::Postgres);
  const fs::path data = *shared / "data";
  std::vector<fs::path> files;
  for (const auto& e : fs::recursive_directory_iterator(data)) {
    if (e.is_regular_file() && e.path().extension() == ".gz") files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  ASSERT_GE(files.size(), 70u);

  TempDir dir;
  const auto f = (dir / "f.db").string();
  const auto g = (dir / "g.db").string();
  const auto b = (dir / "b.db").string();
  std::vector<std::string> import{"data", "import"};
  for (const auto& file : files) import.push_back(file.string());
  const auto imported = run(f, import);
  ASSERT_EQ(imported.exit_code, 0) << imported.err;

  const auto there = run_organism({"--progress", "off", "data", "migrate", "--from", "sqlite:" + f, "--to",
                                   pg.location(), "--json"});
  ASSERT_EQ(there.exit_code, 0) << there.err;
  const auto report = nlohmann::json::parse(there.out);
  EXPECT_EQ(report["tables"].size(), 14u);
  EXPECT_GT(report["rows"].get<std::int64_t>(), 1'900'000);
  EXPECT_EQ(report["to"], pg.location());

  const auto back = run_organism({"data", "migrate", "--from", pg.location(), "--to", "sqlite:" + g});
  ASSERT_EQ(back.exit_code, 0) << back.err;
  EXPECT_TRUE(contains(back.out, "copied  candles")) << back.out;
  EXPECT_TRUE(contains(back.out, "counts and checksums verified")) << back.out;
  EXPECT_TRUE(contains(back.err, "verified  candles")) << back.err;  // progress, per table

  // Into the same database again: refused, nothing merged, a usage error naming the reason.
  const auto again = run_organism({"--progress", "off", "data", "migrate", "--from", "sqlite:" + f, "--to",
                                   pg.location()});
  EXPECT_EQ(again.exit_code, 2) << again.err;
  EXPECT_TRUE(contains(again.err, "is not empty")) << again.err;

  const auto backup = run(pg.location(), {"data", "backup", "--out", b});
  ASSERT_EQ(backup.exit_code, 0) << backup.err;
  const auto verify = run(pg.location(), {"data", "verify"});
  EXPECT_EQ(verify.exit_code, 0) << verify.err;
  EXPECT_TRUE(contains(verify.out, "(PostgreSQL)")) << verify.out;

  export_all(f, files, data, dir / "from-f");
  export_all(g, files, data, dir / "from-g");
  export_all(pg.location(), files, data, dir / "from-pg");
  export_all(b, files, data, dir / "from-backup");
  expect_same_exports(dir / "from-f", dir / "from-g", files.size());
  expect_same_exports(dir / "from-f", dir / "from-pg", files.size());
  expect_same_exports(dir / "from-f", dir / "from-backup", files.size());
}

TEST(DataMigrate, HelpExplainsLocationsAndChecks) {
  const auto r = run_organism({"data", "migrate", "--help"});
  EXPECT_EQ(r.exit_code, 0);
  for (const char* part : {"sqlite:FILE", "postgresql://", "never merges", "checksum", "Run locks are not copied",
                           "organism data migrate --from sqlite:organism.db --to postgresql://"}) {
    EXPECT_TRUE(contains(r.out, part)) << part;
  }
}

}  // namespace
}  // namespace organism::test
