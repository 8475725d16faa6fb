// golden_existing: checks golden/existing against its MANIFEST.tsv and unpacks it (the ctest
// fixture every test reading reference data requires), or compares it with the reference
// directory it was copied from. See tests/support/golden_existing.h.
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "fmt/format.h"
#include "tests/support/golden_existing.h"

namespace {

constexpr int kExitOk = 0;
constexpr int kExitFailed = 1;
constexpr int kExitUsage = 2;
// The reference directory to compare with is absent: ctest reports the test SKIPPED
// (SKIP_RETURN_CODE in tests/CMakeLists.txt). 77 is automake's code for a skipped test.
constexpr int kExitSkipped = 77;

constexpr const char* kUsage =
    "usage: golden_existing unpack GOLDEN_DIR OUT_DIR\n"
    "       golden_existing compare GOLDEN_DIR UNPACKED_DIR REFERENCE_DIR\n"
    "\n"
    "unpack   checks every file of GOLDEN_DIR (golden/existing) against its MANIFEST.tsv and\n"
    "         makes OUT_DIR hold exactly the original files, their SHA-256 checked\n"
    "compare  checks that REFERENCE_DIR holds the same files as GOLDEN_DIR, byte for byte\n"
    "         (as unpacked in UNPACKED_DIR)\n"
    "\n"
    "exit codes: 0 ok, 1 a check failed, 2 bad command line,\n"
    "            77 (compare) REFERENCE_DIR does not exist: nothing to compare, skipped\n";

double mib(std::uint64_t bytes) { return static_cast<double>(bytes) / (1024.0 * 1024.0); }

int run_unpack(const std::string& golden, const std::string& out) {
  // Wall time is only reported, never used: this program is a test tool, not the simulator.
  const auto start = std::chrono::steady_clock::now();
  const auto report = q50::testing::verify_and_unpack(golden, out);
  const std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
  if (!report.ok()) {
    std::fprintf(stderr, "golden_existing: %s\n", std::string(report.status().message()).c_str());
    return kExitFailed;
  }
  std::printf(
      "golden_existing: %zu files of %s match MANIFEST.tsv (%.1f MiB stored, %.1f MiB "
      "unpacked, %s); %s: %zu written, %zu stale entries removed; %.3f s\n",
      report->files, golden.c_str(), mib(report->stored_bytes), mib(report->original_bytes),
      report->full_check ? "all decompressed and checked" : "unpacked copy checked", out.c_str(),
      report->written, report->removed, took.count());
  return kExitOk;
}

int run_compare(const std::string& golden, const std::string& unpacked,
                const std::string& reference) {
  std::error_code ec;
  if (!std::filesystem::is_directory(reference, ec)) {
    std::printf(
        "SKIPPED: %s does not exist, so there is nothing to compare golden/existing "
        "with (golden/existing itself is checked by golden_existing_unpack)\n",
        reference.c_str());
    return kExitSkipped;
  }
  const absl::Status s = q50::testing::compare_with_reference(golden, unpacked, reference);
  if (!s.ok()) {
    std::fprintf(stderr, "golden_existing: %s\n", std::string(s.message()).c_str());
    return kExitFailed;
  }
  std::printf("golden_existing: %s and %s hold the same files, byte for byte\n", golden.c_str(),
              reference.c_str());
  return kExitOk;
}

}  // namespace

int main(int argc, char** argv) {
  const std::vector<std::string> args(argv + 1, argv + argc);
  if (args.size() == 3 && args[0] == "unpack") return run_unpack(args[1], args[2]);
  if (args.size() == 4 && args[0] == "compare") return run_compare(args[1], args[2], args[3]);
  std::fputs(kUsage, args.size() == 1 && args[0] == "--help" ? stdout : stderr);
  return args.size() == 1 && args[0] == "--help" ? kExitOk : kExitUsage;
}
