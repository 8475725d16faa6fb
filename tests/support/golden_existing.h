#ifndef Q50SIM_TESTS_SUPPORT_GOLDEN_EXISTING_H_
#define Q50SIM_TESTS_SUPPORT_GOLDEN_EXISTING_H_

// golden/existing: the repository's copy of the existing system's reference data, written by
// ci/sync_reference.sh. Its MANIFEST.tsv lists, per original file, the relative path, size and
// SHA-256 of the original and the name and SHA-256 of the stored file (the original itself, or
// its gzip). The functions here check a copy against its manifest and unpack it; the ctest
// fixture golden_existing_unpack runs them before any test reads reference data.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace q50::testing {

inline constexpr std::string_view kManifestName = "MANIFEST.tsv";

// One row of MANIFEST.tsv. Hex digests are lowercase, 64 characters.
struct ManifestEntry {
  std::string path;           // of the original, relative to the reference directory
  std::uint64_t size = 0;     // of the original, in bytes
  std::string sha256;         // of the original bytes
  std::string stored;         // relative to golden/existing: path + ".gz" if gzipped
  std::string stored_sha256;  // of the stored bytes

  bool gzipped() const { return stored == path + ".gz"; }
};

// Parses DIR/MANIFEST.tsv: a header row, then one row per file. Errors name the file and line.
// Paths must be relative and stay inside the directory (no "..", no empty component); no path
// or stored name may repeat; a plain (not gzipped) entry must have equal digests.
absl::StatusOr<std::vector<ManifestEntry>> read_manifest(const std::string& golden_dir);

// SHA-256 of bytes as lowercase hex (OpenSSL EVP).
absl::StatusOr<std::string> sha256_hex(std::string_view bytes);

// Decompresses gzip data (one or more members, as zcat does). Output beyond max_bytes is an
// error, so a damaged file cannot exhaust memory. `name` is used in error messages.
absl::StatusOr<std::string> gunzip(std::string_view data, const std::string& name,
                                   std::uint64_t max_bytes);

struct UnpackReport {
  std::size_t files = 0;    // entries in the manifest
  std::size_t written = 0;  // originals decompressed or copied into the output this run
  std::size_t removed = 0;  // entries of the output that the manifest does not list
  bool full_check = false;  // every stored file was decompressed and its digest checked
  std::uint64_t stored_bytes = 0;
  std::uint64_t original_bytes = 0;
};

// Checks golden_dir against its manifest and makes out_dir hold exactly the originals:
// - golden_dir holds every stored file and nothing else (besides MANIFEST.tsv, README.md and
//   .gitattributes), and each stored file's SHA-256 is the manifest's;
// - each original (the stored file, or its gunzip) has the manifest's size and SHA-256;
// - out_dir ends up with exactly the manifest's paths, read-only, extra entries removed.
// The stamp file out_dir + ".stamp" records the manifest's SHA-256 after a run that
// decompressed and checked everything; while it matches, only unpacked files whose size or
// SHA-256 differ from the manifest are decompressed again (a cheap run still hashes every
// stored and every unpacked file). Every problem is reported, one line each, naming the file
// and both digests, in a DataLossError (a bad manifest: InvalidArgumentError).
absl::StatusOr<UnpackReport> verify_and_unpack(const std::string& golden_dir,
                                               const std::string& out_dir);

// Checks that reference_dir (e.g. ../shared/reference, which must exist) holds the same set of
// files as golden_dir's manifest, each byte-identical to its unpacked copy in unpacked_dir (as
// left by verify_and_unpack). Reports every difference with both SHA-256 values.
absl::Status compare_with_reference(const std::string& golden_dir, const std::string& unpacked_dir,
                                    const std::string& reference_dir);

}  // namespace q50::testing

#endif  // Q50SIM_TESTS_SUPPORT_GOLDEN_EXISTING_H_
