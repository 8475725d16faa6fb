// ci/sync_reference.sh and the golden/existing checks (tests/support/golden_existing.h) on a
// small reference tree: the script's copy unpacks to the exact originals, twice the same bytes,
// and every kind of damage is a failure that names the file and both digests.
#include "tests/support/golden_existing.h"

#include <zlib.h>

#include <boost/test/unit_test.hpp>
#include <cstdlib>
#include <filesystem>
#include <string>

#include "tests/support/test_env.h"

namespace q50::testing {
namespace {
namespace fs = std::filesystem;

// Deterministic text of n bytes that gzip cannot shrink to nothing.
std::string csv_text(std::size_t n, std::uint32_t seed) {
  std::string s = "timestamp,value\n";
  while (s.size() < n) {
    seed = seed * 1664525u + 1013904223u;
    s += "2024-01-01 00:00:00," + std::to_string(seed % 100000) + "\n";
  }
  s.resize(n);
  return s;
}

std::string gzip_bytes(const std::string& data) {
  z_stream zs{};
  BOOST_REQUIRE(deflateInit2(&zs, 9, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) == Z_OK);
  std::string out(deflateBound(&zs, static_cast<uLong>(data.size())), '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  zs.avail_in = static_cast<uInt>(data.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  BOOST_REQUIRE(deflate(&zs, Z_FINISH) == Z_STREAM_END);
  out.resize(zs.total_out);
  deflateEnd(&zs);
  return out;
}

void put(const fs::path& path, const std::string& bytes) {
  fs::create_directories(path.parent_path());
  std::error_code absent;  // a new file has no permissions to change
  fs::permissions(path, fs::perms::owner_write, fs::perm_options::add, absent);
  write_text(path.string(), bytes);
}

std::string sha(const std::string& bytes) { return sha256_hex(bytes).value(); }

// A reference tree with a README, small plain files and large ones (gzipped by the script).
struct Tree {
  fs::path root;       // the test's directory
  fs::path reference;  // the source, like ../shared/reference
  fs::path golden;     // the script's copy, like golden/existing
  fs::path unpacked;   // like build/<preset>/reference
};

Tree tree_paths(const std::string& name) {
  Tree t;
  t.root = make_temp_dir("golden_existing_" + name);
  t.reference = t.root / "reference";
  t.golden = t.root / "golden" / "existing";
  t.unpacked = t.root / "unpacked";
  return t;
}

Tree make_pristine_tree() {
  Tree t = tree_paths("pristine");
  put(t.reference / "README.md", "# reference\n");
  put(t.reference / "manifest.json", "{\"files\": 4}\n");
  put(t.reference / "cases/a/config.json", "{\"fee_rate\": 0.001}\n");
  put(t.reference / "cases/a/expected.csv", csv_text(200000, 1));
  put(t.reference / "cases/b/input.csv", csv_text(1000, 2));
  std::string bin(70000, '\0');
  for (std::size_t i = 0; i < bin.size(); i += 7) bin[i] = static_cast<char>(i % 251);
  put(t.reference / "qlib/close.60min.bin", bin);
  const RunResult r = run_process({"/bin/bash", source_dir() + "/ci/sync_reference.sh",
                                   t.reference.string(), t.golden.string()});
  BOOST_REQUIRE_MESSAGE(r.exit_code == 0, r.out << r.err);
  return t;
}

// The script runs once per process (it forks a few processes per file); every test case then
// damages its own copy of the result.
Tree make_tree(const std::string& name) {
  static const Tree pristine = make_pristine_tree();
  Tree t = tree_paths(name);
  fs::copy(pristine.reference, t.reference, fs::copy_options::recursive);
  fs::create_directories(t.golden.parent_path());
  fs::copy(pristine.golden, t.golden, fs::copy_options::recursive);
  return t;
}

std::string unpack_error(const Tree& t) {
  const auto report = verify_and_unpack(t.golden.string(), t.unpacked.string());
  BOOST_REQUIRE_MESSAGE(!report.ok(), "expected verify_and_unpack to fail");
  return std::string(report.status().message());
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

BOOST_AUTO_TEST_CASE(sync_script_stores_large_files_gzipped_and_the_rest_plain) {
  const Tree t = make_tree("layout");
  BOOST_TEST(file_exists((t.golden / "cases/a/expected.csv.gz").string()));
  BOOST_TEST(file_exists((t.golden / "qlib/close.60min.bin.gz").string()));
  BOOST_TEST(read_text((t.golden / "cases/b/input.csv").string()) == csv_text(1000, 2));
  BOOST_TEST(file_exists((t.golden / "cases/a/config.json").string()));
  BOOST_TEST(read_text((t.golden / "README.reference.md").string()) == "# reference\n");
  BOOST_TEST(contains(read_text((t.golden / "README.md").string()), "never edit"));
  const auto manifest = read_manifest(t.golden.string());
  BOOST_REQUIRE(manifest.ok());
  BOOST_TEST(manifest->size() == 6u);
  for (const ManifestEntry& e : *manifest) {
    const std::string original = read_text((t.reference / e.path).string());
    BOOST_TEST(e.size == original.size());
    BOOST_TEST(e.sha256 == sha(original));
    BOOST_TEST(e.stored_sha256 == sha(read_text((t.golden / e.stored).string())));
  }
}

BOOST_AUTO_TEST_CASE(sync_script_gives_identical_bytes_every_run) {
  const Tree t = make_tree("twice");
  const fs::path again = t.root / "again";
  const RunResult r = run_process(
      {"/bin/bash", source_dir() + "/ci/sync_reference.sh", t.reference.string(), again.string()});
  BOOST_REQUIRE_MESSAGE(r.exit_code == 0, r.out << r.err);
  std::size_t files = 0;
  for (const auto& e : fs::recursive_directory_iterator(t.golden)) {
    if (!e.is_regular_file()) continue;
    const fs::path rel = e.path().lexically_relative(t.golden);
    BOOST_TEST(read_text(e.path().string()) == read_text((again / rel).string()), rel);
    ++files;
  }
  BOOST_TEST(files == 9u);  // 6 stored files, MANIFEST.tsv, README.md, .gitattributes
}

BOOST_AUTO_TEST_CASE(unpack_gives_the_originals_then_only_checks_them) {
  const Tree t = make_tree("unpack");
  const auto first = verify_and_unpack(t.golden.string(), t.unpacked.string());
  BOOST_REQUIRE_MESSAGE(first.ok(), first.status().message());
  BOOST_TEST(first->files == 6u);
  BOOST_TEST(first->written == 6u);
  BOOST_TEST(first->full_check);
  for (const auto& e : fs::recursive_directory_iterator(t.reference)) {
    if (!e.is_regular_file()) continue;
    const fs::path rel = e.path().lexically_relative(t.reference);
    BOOST_TEST(read_text(e.path().string()) == read_text((t.unpacked / rel).string()), rel);
  }
  BOOST_TEST(
      compare_with_reference(t.golden.string(), t.unpacked.string(), t.reference.string()).ok());

  const auto second = verify_and_unpack(t.golden.string(), t.unpacked.string());
  BOOST_REQUIRE(second.ok());
  BOOST_TEST(!second->full_check);
  BOOST_TEST(second->written == 0u);
}

BOOST_AUTO_TEST_CASE(unpack_repairs_a_damaged_copy_and_removes_stray_files) {
  const Tree t = make_tree("repair");
  BOOST_REQUIRE(verify_and_unpack(t.golden.string(), t.unpacked.string()).ok());
  put(t.unpacked / "cases/a/expected.csv", "damaged\n");
  put(t.unpacked / "cases/c/stray.csv", "stray\n");
  fs::remove(t.unpacked / "cases/b/input.csv");
  const auto report = verify_and_unpack(t.golden.string(), t.unpacked.string());
  BOOST_REQUIRE_MESSAGE(report.ok(), report.status().message());
  BOOST_TEST(report->written == 2u);
  BOOST_TEST(report->removed == 1u);  // cases/c and the file in it
  BOOST_TEST(!fs::exists(t.unpacked / "cases/c"));
  BOOST_TEST(read_text((t.unpacked / "cases/a/expected.csv").string()) == csv_text(200000, 1));
  BOOST_TEST(read_text((t.unpacked / "cases/b/input.csv").string()) == csv_text(1000, 2));
}

BOOST_AUTO_TEST_CASE(an_altered_stored_file_fails_naming_it_and_both_digests) {
  const Tree t = make_tree("altered");
  const fs::path gz = t.golden / "cases/a/expected.csv.gz";
  std::string bytes = read_text(gz.string());
  const std::string manifest_digest = sha(bytes);
  bytes[bytes.size() / 2] = static_cast<char>(bytes[bytes.size() / 2] ^ 1);
  put(gz, bytes);
  const std::string error = unpack_error(t);
  BOOST_TEST(contains(error, gz.string() + ": altered"), error);
  BOOST_TEST(contains(error, manifest_digest), error);
  BOOST_TEST(contains(error, sha(bytes)), error);
  BOOST_TEST(!fs::exists(t.unpacked.string() + ".stamp"));
}

BOOST_AUTO_TEST_CASE(an_altered_plain_file_fails_too_even_with_a_cached_copy) {
  const Tree t = make_tree("altered_plain");
  BOOST_REQUIRE(verify_and_unpack(t.golden.string(), t.unpacked.string()).ok());
  put(t.golden / "cases/a/config.json", "{\"fee_rate\": 0.002}\n");
  const std::string error = unpack_error(t);
  BOOST_TEST(contains(error, "cases/a/config.json: altered"), error);
  BOOST_TEST(contains(error, sha("{\"fee_rate\": 0.002}\n")), error);
}

BOOST_AUTO_TEST_CASE(a_missing_or_unlisted_stored_file_fails) {
  const Tree t = make_tree("missing");
  fs::remove(t.golden / "qlib/close.60min.bin.gz");
  put(t.golden / "cases/a/notes.txt", "hand-edited\n");
  const std::string error = unpack_error(t);
  BOOST_TEST(contains(error, "qlib/close.60min.bin.gz: missing"), error);
  BOOST_TEST(contains(error, "cases/a/notes.txt: not listed in MANIFEST.tsv"), error);
  BOOST_TEST(contains(error, "ci/sync_reference.sh"), error);
}

BOOST_AUTO_TEST_CASE(a_stored_file_unpacking_to_other_bytes_fails_with_both_digests) {
  // The stored digest is updated with the file, as a careless hand edit would; the original's
  // digest then catches it.
  const Tree t = make_tree("other_bytes");
  const fs::path gz = t.golden / "cases/a/expected.csv.gz";
  const std::string other = csv_text(200000, 3);
  const std::string old_gz = read_text(gz.string());
  put(gz, gzip_bytes(other));
  std::string manifest = read_text((t.golden / "MANIFEST.tsv").string());
  manifest.replace(manifest.find(sha(old_gz)), 64, sha(gzip_bytes(other)));
  put(t.golden / "MANIFEST.tsv", manifest);
  const std::string error = unpack_error(t);
  BOOST_TEST(contains(error, gz.string() + ": does not unpack to cases/a/expected.csv"), error);
  BOOST_TEST(contains(error, sha(csv_text(200000, 1))), error);
  BOOST_TEST(contains(error, sha(other)), error);
}

BOOST_AUTO_TEST_CASE(compare_reports_every_difference_with_the_reference) {
  const Tree t = make_tree("compare");
  BOOST_REQUIRE(verify_and_unpack(t.golden.string(), t.unpacked.string()).ok());
  put(t.reference / "cases/b/input.csv", "changed\n");
  put(t.reference / "cases/d/new.csv", "new\n");
  fs::remove(t.reference / "manifest.json");
  const absl::Status s =
      compare_with_reference(t.golden.string(), t.unpacked.string(), t.reference.string());
  BOOST_REQUIRE(!s.ok());
  const std::string error(s.message());
  BOOST_TEST(contains(error, "cases/b/input.csv: differs"), error);
  BOOST_TEST(contains(error, sha("changed\n")), error);
  BOOST_TEST(contains(error, sha(csv_text(1000, 2))), error);
  BOOST_TEST(contains(error, "cases/d/new.csv: in " + t.reference.string()), error);
  BOOST_TEST(contains(error, "manifest.json: in golden/existing"), error);
  BOOST_TEST(contains(error, "run ci/sync_reference.sh"), error);
}

BOOST_AUTO_TEST_CASE(manifest_rows_are_checked) {
  const fs::path dir = make_temp_dir("golden_existing_manifest");
  const std::string header = "path\tsize\tsha256\tstored\tstored_sha256\n";
  const std::string d = sha("x");
  const auto error_of = [&](const std::string& text) {
    write_text((dir / "MANIFEST.tsv").string(), text);
    const auto m = read_manifest(dir.string());
    return m.ok() ? std::string("ok") : std::string(m.status().message());
  };
  BOOST_TEST(error_of(header + "a.csv\t1\t" + d + "\ta.csv\t" + d + "\n") == "ok");
  BOOST_TEST(contains(error_of("path\tsize\n"), "MANIFEST.tsv:1: expected the header"));
  BOOST_TEST(contains(error_of(header + "../a.csv\t1\t" + d + "\ta.csv\t" + d + "\n"),
                      "MANIFEST.tsv:2: expected relative paths"));
  BOOST_TEST(contains(error_of(header + "a.csv\t1x\t" + d + "\ta.csv\t" + d + "\n"),
                      "size: expected a byte count, got '1x'"));
  BOOST_TEST(contains(error_of(header + "a.csv\t1\t" + d + "\ta.csv\t" + sha("y") + "\n"),
                      "both digests must be equal"));
  BOOST_TEST(contains(error_of(header + "a.csv\t1\t" + d + "\tREADME.md\t" + d + "\n"),
                      "keeps for itself"));
  BOOST_TEST(contains(error_of(header + "a.csv\t1\t" + d + "\ta.csv\n"), "expected 5"));
}

BOOST_AUTO_TEST_CASE(gunzip_reads_members_and_refuses_damage) {
  const std::string a = csv_text(5000, 4), b = csv_text(3000, 5);
  const auto both = gunzip(gzip_bytes(a) + gzip_bytes(b), "ab.gz", a.size() + b.size());
  BOOST_REQUIRE_MESSAGE(both.ok(), both.status().message());
  BOOST_TEST(*both == a + b);
  const std::string gz = gzip_bytes(a);
  BOOST_TEST(contains(
      std::string(gunzip(gz.substr(0, gz.size() - 9), "t.gz", a.size()).status().message()),
      "t.gz: truncated"));
  BOOST_TEST(contains(std::string(gunzip(gz, "big.gz", a.size() - 1).status().message()),
                      "big.gz: decompresses to more than"));
  BOOST_TEST(!gunzip("not gzip at all", "x.gz", 100).ok());
  BOOST_TEST(!gunzip(gz + "trailing", "x.gz", 2 * a.size()).ok());
}

BOOST_AUTO_TEST_CASE(unpack_refuses_to_write_into_golden_existing) {
  const Tree t = make_tree("apart");
  const auto report = verify_and_unpack(t.golden.string(), (t.golden / "x").string());
  BOOST_REQUIRE(!report.ok());
  BOOST_TEST(contains(std::string(report.status().message()), "must lie outside"));
  BOOST_TEST(!verify_and_unpack(t.golden.string(), t.golden.string()).ok());
  BOOST_TEST(!verify_and_unpack(t.golden.string(), t.root.string()).ok());
}

}  // namespace
}  // namespace q50::testing
