#include "io/gzip_file.h"

#include <zlib.h>

#include <algorithm>
#include <climits>
#include <cstdint>

#include "fmt/format.h"
#include "io/atomic_file.h"

namespace q50::io {
namespace {

// CsvTable keeps 32-bit offsets: nothing larger is of use here.
constexpr std::uint64_t kMaxBytes = (std::uint64_t{1} << 32) - 1;

absl::StatusOr<std::string> gunzip(const std::string& path, const std::string& data) {
  if (data.size() > UINT_MAX)
    return absl::DataLossError(fmt::format("{}: larger than 4 GiB", path));
  z_stream zs{};
  if (inflateInit2(&zs, 15 + 16) != Z_OK) {  // 16: gzip header and trailer only
    return absl::InternalError(fmt::format("{}: zlib inflateInit2 failed", path));
  }
  // zlib's API is not const-correct; it never writes through next_in.
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  zs.avail_in = static_cast<uInt>(data.size());
  std::string out(std::max<std::size_t>(data.size() * 4, 1 << 16), '\0');
  std::size_t produced = 0;
  absl::Status status;
  for (;;) {
    if (produced == out.size()) {
      if (out.size() >= kMaxBytes) {
        status = absl::DataLossError(fmt::format("{}: decompresses to 4 GiB or more", path));
        break;
      }
      out.resize(static_cast<std::size_t>(std::min<std::uint64_t>(kMaxBytes, 2 * out.size())));
    }
    const std::size_t room = std::min<std::size_t>(out.size() - produced, UINT_MAX);
    zs.next_out = reinterpret_cast<Bytef*>(out.data() + produced);
    zs.avail_out = static_cast<uInt>(room);
    const int rc = inflate(&zs, Z_NO_FLUSH);
    produced += room - zs.avail_out;
    if (rc == Z_STREAM_END) {
      if (zs.avail_in == 0) break;
      inflateReset(&zs);  // another gzip member follows, as `cat a.gz b.gz` makes
    } else if (rc == Z_BUF_ERROR && zs.avail_in == 0) {
      status = absl::DataLossError(fmt::format("{}: truncated gzip data", path));
      break;
    } else if (rc != Z_OK && rc != Z_BUF_ERROR) {
      status = absl::DataLossError(fmt::format("{}: not valid gzip data: {}", path,
                                               zs.msg != nullptr ? zs.msg : "zlib error"));
      break;
    }
  }
  inflateEnd(&zs);
  if (!status.ok()) return status;
  out.resize(produced);
  return out;
}

}  // namespace

absl::StatusOr<std::string> read_file_gunzipped(const std::string& path) {
  auto bytes = read_file(path);
  if (!bytes.ok()) return bytes.status();
  if (bytes->size() < 2 || static_cast<unsigned char>((*bytes)[0]) != 0x1f ||
      static_cast<unsigned char>((*bytes)[1]) != 0x8b) {
    return bytes;
  }
  return gunzip(path, *bytes);
}

}  // namespace q50::io
