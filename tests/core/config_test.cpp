#include "core/config.hpp"

#include <map>

#include <gtest/gtest.h>

#include "core/error.hpp"
#include "support/test_support.hpp"

namespace organism::core {
namespace {

std::map<std::string, std::string>* g_env = nullptr;
const char* fake_getenv(const char* name) {
  auto it = g_env->find(name);
  return it == g_env->end() ? nullptr : it->second.c_str();
}

TEST(Config, DefaultsFileEnvFlagInThatOrder) {
  test::TempDir dir;
  const auto path = dir / "c.toml";
  test::write_file(path, "db = \"file.db\"\n[synth]\ncoins = [\"A\", \"B\"]\nseed = 3\ncorrelation = 0.25\n");
  Config c;
  EXPECT_EQ(c.get("db"), "./organism.db");
  EXPECT_EQ(c.source("db"), "default");
  c.load_file(path.string());
  EXPECT_EQ(c.get("db"), "file.db");
  EXPECT_EQ(c.get_list("synth.coins"), (std::vector<std::string>{"A", "B"}));
  EXPECT_DOUBLE_EQ(c.get_double("synth.correlation"), 0.25);
  std::map<std::string, std::string> env{{"ORGANISM_SYNTH_SEED", "9"}, {"ORGANISM_DB", "env.db"}};
  g_env = &env;
  c.load_env(fake_getenv);
  EXPECT_EQ(c.get_int("synth.seed"), 9);
  EXPECT_EQ(c.source("synth.seed"), "env ORGANISM_SYNTH_SEED");
  c.set("db", "flag.db", "flag --db");
  EXPECT_EQ(c.get("db"), "flag.db");
}

TEST(Config, ErrorsNameTheKeyAndSource) {
  test::TempDir dir;
  const auto path = dir / "c.toml";
  test::write_file(path, "[synth]\nbars = \"many\"\n");
  Config c;
  c.load_file(path.string());
  try {
    c.get_int("synth.bars");
    FAIL();
  } catch (const UsageError& e) {
    EXPECT_NE(std::string(e.what()).find("synth.bars (from file"), std::string::npos) << e.what();
  }
  test::write_file(path, "unknown = 1\n");
  EXPECT_THROW(Config().load_file(path.string()), UsageError);
  test::write_file(path, "db = \n");
  EXPECT_THROW(Config().load_file(path.string()), UsageError);
}

TEST(Config, EnvNames) { EXPECT_EQ(env_name("quality.outlier_sigmas"), "ORGANISM_QUALITY_OUTLIER_SIGMAS"); }

}  // namespace
}  // namespace organism::core
