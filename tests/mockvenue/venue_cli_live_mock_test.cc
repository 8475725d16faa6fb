// `q50sim venue` as a process: it prints exactly "listening on 127.0.0.1:P" once it accepts
// connections, serves scenarios/live/month.toml (a month of bars), stops cleanly with exit 0 on
// SIGTERM and SIGINT, refuses a key file others can read, and never prints the keys.
#include <fcntl.h>
#include <httplib.h>
#include <poll.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/test/unit_test.hpp>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "tests/mockvenue/venue_fixture.h"
#include "tests/support/child_process.h"
#include "tests/support/test_env.h"

namespace q50::mockvenue {
namespace {

using q50::testing::Child;

std::string key_file(const std::string& name, mode_t mode) {
  const std::string path = q50::testing::make_temp_dir("venue_cli_" + name) + "/keys";
  q50::testing::write_text(path, std::string("api_key=") + testing::kKey + "\napi_secret=" +
                                     testing::kSecret + "\n");
  ::chmod(path.c_str(), mode);
  return path;
}

std::string month() { return q50::testing::source_dir() + "/scenarios/live/month.toml"; }

BOOST_AUTO_TEST_CASE(prints_its_port_serves_a_month_and_stops_on_sigterm) {
  for (const int sig : {SIGTERM, SIGINT}) {
    Child venue({q50::testing::q50sim_bin(), "venue", month(), "--port", "0", "--speed", "36000",
                 "--key-file", key_file("ok", 0600)});
    const std::string line = venue.first_line(20000);
    BOOST_REQUIRE_MESSAGE(line.starts_with("listening on 127.0.0.1:"), "got '" << line << "'");
    const int port = std::stoi(line.substr(line.rfind(':') + 1));
    BOOST_TEST(line == "listening on 127.0.0.1:" + std::to_string(port));
    httplib::Client http("127.0.0.1", port);
    auto time = http.Get("/api/v3/time");
    BOOST_REQUIRE(time);
    BOOST_TEST(time->status == 200);
    auto books = http.Get("/q50sim/books");
    BOOST_REQUIRE(books);
    const nlohmann::json b = nlohmann::json::parse(books->body);
    BOOST_TEST(b["bars_total"].get<int>() >= 720);
    BOOST_TEST(b["bars_closed"].get<int>() >= 1);
    venue.signal(sig);
    BOOST_TEST(venue.wait(10000) == 0);
    const std::string all = venue.out() + venue.err();
    BOOST_TEST(all.find(testing::kKey) == std::string::npos);
    BOOST_TEST(all.find(testing::kSecret) == std::string::npos);
  }
}

BOOST_AUTO_TEST_CASE(refuses_a_key_file_others_can_read) {
  Child venue({q50::testing::q50sim_bin(), "venue", month(), "--port", "0", "--key-file",
               key_file("open", 0644)});
  BOOST_TEST(venue.wait(20000) == 4);
  const std::string err = venue.err();
  BOOST_TEST(err.find("chmod 600") != std::string::npos);
  BOOST_TEST(err.find(testing::kKey) == std::string::npos);
  BOOST_TEST(err.find(testing::kSecret) == std::string::npos);
}

BOOST_AUTO_TEST_CASE(bad_command_lines_exit_2) {
  Child no_port({q50::testing::q50sim_bin(), "venue", month()});
  BOOST_TEST(no_port.wait(10000) == 2);
  Child bad_speed({q50::testing::q50sim_bin(), "venue", month(), "--port", "0", "--speed", "0"});
  BOOST_TEST(bad_speed.wait(10000) == 2);
}

}  // namespace
}  // namespace q50::mockvenue
