// Certificate verification is on: an https request to a loopback TLS server with a self-signed
// certificate fails as kAuthFatal (the same server answers a client that skips verification,
// so the failure is the verification), and https to a plain-http port is a transport error.
#include <openssl/evp.h>
#include <openssl/x509.h>

#include <boost/test/unit_test.hpp>
#include <memory>
#include <string>
#include <thread>

#include "live/rest_client.h"
#include "tests/live/loopback_venue.h"

namespace q50::live {
namespace {

using testing::FakeClock;

struct SelfSigned {
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key{nullptr, EVP_PKEY_free};
  std::unique_ptr<X509, decltype(&X509_free)> cert{nullptr, X509_free};
};

// A one-hour EC P-256 certificate for CN=127.0.0.1, signed by its own key.
SelfSigned make_self_signed() {
  SelfSigned s;
  s.key.reset(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
  BOOST_REQUIRE(s.key);
  s.cert.reset(X509_new());
  X509* c = s.cert.get();
  BOOST_REQUIRE(c != nullptr);
  BOOST_REQUIRE(X509_set_version(c, 2) == 1);
  BOOST_REQUIRE(ASN1_INTEGER_set(X509_get_serialNumber(c), 1) == 1);
  BOOST_REQUIRE(X509_gmtime_adj(X509_getm_notBefore(c), 0) != nullptr);
  BOOST_REQUIRE(X509_gmtime_adj(X509_getm_notAfter(c), 3600) != nullptr);
  BOOST_REQUIRE(X509_set_pubkey(c, s.key.get()) == 1);
  X509_NAME* name = X509_get_subject_name(c);
  const std::string cn = "127.0.0.1";
  BOOST_REQUIRE(X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                                           reinterpret_cast<const unsigned char*>(cn.c_str()), -1,
                                           -1, 0) == 1);
  BOOST_REQUIRE(X509_set_issuer_name(c, name) == 1);
  BOOST_REQUIRE(X509_sign(c, s.key.get(), EVP_sha256()) > 0);
  return s;
}

BOOST_AUTO_TEST_CASE(self_signed_certificate_is_refused) {
  const SelfSigned tls = make_self_signed();
  httplib::SSLServer server(tls.cert.get(), tls.key.get());
  BOOST_REQUIRE(server.is_valid());
  server.Get("/api/v3/ping", [](const httplib::Request&, httplib::Response& res) {
    res.set_content("{}", "application/json");
  });
  const int port = server.bind_to_any_port("127.0.0.1");
  BOOST_REQUIRE(port > 0);
  std::thread thread([&] { server.listen_after_bind(); });
  while (!server.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));

  FakeClock clock;
  RestConfig config;
  config.base_url = "https://127.0.0.1:" + std::to_string(port);
  config.connect_timeout_ms = 1000;
  config.read_timeout_ms = 1000;
  auto client = *RestClient::create(config, Credentials("k", "s"), clock);
  const RestResult<Empty> r = client->ping();
  BOOST_TEST((r.outcome.kind == OutcomeKind::kAuthFatal), r.message);
  BOOST_TEST(r.message.find("TLS certificate of the server did not verify") != std::string::npos,
             r.message);

  httplib::Client unverified(config.base_url);
  unverified.enable_server_certificate_verification(false);
  const httplib::Result direct = unverified.Get("/api/v3/ping");
  BOOST_TEST((direct && direct->status == 200));

  server.stop();
  thread.join();
}

BOOST_AUTO_TEST_CASE(https_to_a_plain_http_port_is_a_transport_error) {
  testing::LoopbackVenue venue("k", "s");
  FakeClock clock;
  RestConfig config;
  config.base_url = "https://127.0.0.1:" + std::to_string(venue.port());
  config.connect_timeout_ms = 1000;
  config.read_timeout_ms = 1000;
  auto client = *RestClient::create(config, Credentials("k", "s"), clock);
  const RestResult<Empty> r = client->ping();
  BOOST_TEST((r.outcome.kind == OutcomeKind::kUnknownOutcome), r.message);
  BOOST_TEST(r.message.find("no response") != std::string::npos, r.message);
}

}  // namespace
}  // namespace q50::live
