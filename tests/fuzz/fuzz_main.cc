// The fuzz targets as ordinary programs (for compilers and builds without libFuzzer): every
// file named on the command line, or found in a directory named there, is run through
// LLVMFuzzerTestOneInput once. ctest runs them over tests/fuzz/corpus/<target> and
// tests/fuzz/regressions/<target>, so every input that ever crashed stays a regression test.
// Options (arguments starting with '-', libFuzzer's) are ignored; no input at all is a failure
// (a corpus that went missing must not pass silently).
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <iterator>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);
extern "C" __attribute__((weak)) int LLVMFuzzerInitialize(int* argc, char*** argv);

namespace {

void run_file(const std::filesystem::path& path, std::size_t& count) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;  // (not istreambuf_iterator: g++ 12 -O3 warns of a null dereference)
  text << in.rdbuf();
  const std::string bytes = std::move(text).str();
  LLVMFuzzerTestOneInput(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size());
  ++count;
}

}  // namespace

int main(int argc, char** argv) {
  if (LLVMFuzzerInitialize != nullptr) LLVMFuzzerInitialize(&argc, &argv);
  std::size_t count = 0;
  for (int i = 1; i < argc; ++i) {
    if (argv[i][0] == '-') continue;
    const std::filesystem::path p(argv[i]);
    std::error_code ec;
    if (std::filesystem::is_directory(p, ec)) {
      std::vector<std::filesystem::path> files;
      for (const auto& e : std::filesystem::directory_iterator(p)) {
        if (e.is_regular_file()) files.push_back(e.path());
      }
      std::sort(files.begin(), files.end());
      for (const auto& f : files) run_file(f, count);
    } else if (std::filesystem::is_regular_file(p, ec)) {
      run_file(p, count);
    }
  }
  std::printf("%zu inputs ran without a crash\n", count);
  return count == 0 ? 1 : 0;
}
