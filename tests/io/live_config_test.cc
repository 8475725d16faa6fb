// Live config files: the shipped ones parse, name every key the reader knows, and a bad key or
// value is an error naming file:line:column.
#include <boost/test/unit_test.hpp>
#include <cstdlib>
#include <string>

#include "io/live_config.h"
#include "tests/support/test_env.h"

namespace q50::io {
namespace {

using testing::source_dir;

std::string write_config(const std::string& dir, const std::string& body) {
  const std::string path = dir + "/live.toml";
  testing::write_text(path, body);
  return path;
}

BOOST_AUTO_TEST_CASE(the_testnet_config_parses_and_documents_every_key) {
  const std::string path = source_dir() + "/scenarios/live/testnet.toml";
  auto c = read_live_config(path);
  BOOST_REQUIRE_MESSAGE(c.ok(), c.status().ToString());
  BOOST_TEST(c->rest.base_url == "https://testnet.binance.vision");
  BOOST_TEST(c->node.client_id_prefix == "q50tn-");
  BOOST_TEST(c->node.poll_interval_ms == 5000);
  BOOST_TEST(c->node.signal_grace_ms == 600'000);
  BOOST_TEST(c->monitor_port == 9464);
  BOOST_TEST(c->lookup.tolerance_ns == 5 * kNsPerMinute);
  BOOST_TEST(c->strategy_file.find("sizing_kelly.toml") != std::string::npos);
  const std::string text = testing::read_text(path);
  for (const std::string& key : live_config_keys()) {
    const std::string leaf = key.substr(key.rfind('.') + 1);
    BOOST_TEST(text.find("\n" + leaf + " =") != std::string::npos, key << " is not documented");
  }
}

BOOST_AUTO_TEST_CASE(unknown_keys_and_bad_values_name_file_line_and_column) {
  const std::string dir = testing::make_temp_dir("live_config_bad");
  const std::string strategy = source_dir() + "/scenarios/sizing_kelly.toml";
  const std::string head = "[live]\nstrategy = \"" + strategy + "\"\n";
  const auto error_of = [&](const std::string& body) {
    auto c = read_live_config(write_config(dir, body));
    BOOST_REQUIRE(!c.ok());
    return std::string(c.status().message());
  };
  std::string e = error_of(head + "[live.signals]\nfile = \"s.csv\"\nnope = 1\n");
  BOOST_TEST(e.find("live.toml:5:1: unknown key 'nope' in [live.signals]") != std::string::npos, e);
  e = error_of(head + "poll_interval = \"5 parsecs\"\n[live.signals]\nfile = \"s.csv\"\n");
  BOOST_TEST(e.find("live.toml:3:17: [live].poll_interval: expected a duration") != std::string::npos, e);
  e = error_of(head + "client_id_prefix = \"has space\"\n[live.signals]\nfile = \"s.csv\"\n");
  BOOST_TEST(e.find("[live].client_id_prefix") != std::string::npos, e);
  e = error_of(head + "interval = \"5m\"\n[live.signals]\nfile = \"s.csv\"\n");
  BOOST_TEST(e.find("only \"1h\"") != std::string::npos, e);
  e = error_of(head);
  BOOST_TEST(e.find("[live.signals].file are required") != std::string::npos, e);
  e = error_of("[live]\nstrategy = \"missing.toml\"\n[live.signals]\nfile = \"s.csv\"\n");
  BOOST_TEST(e.find("missing.toml") != std::string::npos, e);
}

}  // namespace
}  // namespace q50::io
