#include "tests/support/png.h"

#include <zlib.h>

#include <cstdlib>
#include <string_view>

namespace q50::testing {
namespace {

std::uint32_t read_be32(const std::string& b, std::size_t at) {
  return (std::uint32_t{static_cast<std::uint8_t>(b[at])} << 24) |
         (std::uint32_t{static_cast<std::uint8_t>(b[at + 1])} << 16) |
         (std::uint32_t{static_cast<std::uint8_t>(b[at + 2])} << 8) |
         std::uint32_t{static_cast<std::uint8_t>(b[at + 3])};
}

struct Header {
  std::uint32_t width = 0;
  std::uint32_t height = 0;
  std::size_t channels = 0;
};

std::uint8_t paeth(std::uint8_t a, std::uint8_t b, std::uint8_t c) {
  const int p = int{a} + int{b} - int{c};
  const int pa = std::abs(p - int{a});
  const int pb = std::abs(p - int{b});
  const int pc = std::abs(p - int{c});
  if (pa <= pb && pa <= pc) return a;
  return pb <= pc ? b : c;
}

// Undoes the per-row filters (PNG spec §9) in place; raw holds (1 + stride) bytes per row.
bool unfilter(std::vector<std::uint8_t>& raw, const Header& h, std::string& error) {
  const std::size_t bpp = h.channels;
  const std::size_t stride = h.width * bpp;
  for (std::size_t y = 0; y < h.height; ++y) {
    std::uint8_t* row = raw.data() + y * (stride + 1);
    const std::uint8_t* prev = y == 0 ? nullptr : row - (stride + 1);
    const std::uint8_t type = row[0];
    for (std::size_t i = 1; i <= stride; ++i) {
      const std::uint8_t a = i > bpp ? row[i - bpp] : 0;
      const std::uint8_t b = prev != nullptr ? prev[i] : 0;
      const std::uint8_t c = (prev != nullptr && i > bpp) ? prev[i - bpp] : 0;
      int add = 0;
      switch (type) {
        case 0:
          break;
        case 1:
          add = a;
          break;
        case 2:
          add = b;
          break;
        case 3:
          add = (int{a} + int{b}) / 2;
          break;
        case 4:
          add = paeth(a, b, c);
          break;
        default:
          error = "unknown filter type " + std::to_string(type);
          return false;
      }
      row[i] = static_cast<std::uint8_t>(row[i] + add);
    }
  }
  return true;
}

bool parse_header(const std::string& data, Header& h, std::string& error) {
  if (data.size() != 13) {
    error = "IHDR has " + std::to_string(data.size()) + " bytes, expected 13";
    return false;
  }
  h.width = read_be32(data, 0);
  h.height = read_be32(data, 4);
  const auto depth = static_cast<std::uint8_t>(data[8]);
  const auto colour = static_cast<std::uint8_t>(data[9]);
  const auto interlace = static_cast<std::uint8_t>(data[12]);
  if (depth != 8 || (colour != 2 && colour != 6) || interlace != 0) {
    error = "unsupported PNG: bit depth " + std::to_string(depth) + ", colour type " +
            std::to_string(colour) + ", interlace " + std::to_string(interlace) +
            " (need 8-bit RGB/RGBA, not interlaced)";
    return false;
  }
  h.channels = colour == 2 ? 3 : 4;
  return true;
}

}  // namespace

bool decode_png(const std::string& bytes, RgbImage& image, std::string& error) {
  constexpr std::string_view kSignature("\x89PNG\r\n\x1a\n", 8);
  if (bytes.size() < 8 || std::string_view(bytes).substr(0, 8) != kSignature) {
    error = "not a PNG file (bad signature)";
    return false;
  }
  Header h;
  std::string idat;
  bool have_header = false;
  for (std::size_t at = 8; at + 12 <= bytes.size();) {
    const std::uint32_t length = read_be32(bytes, at);
    if (at + 12 + length > bytes.size()) {
      error = "truncated chunk at byte " + std::to_string(at);
      return false;
    }
    const std::string type = bytes.substr(at + 4, 4);
    const std::string data = bytes.substr(at + 8, length);
    const auto* crc_input = reinterpret_cast<const Bytef*>(bytes.data() + at + 4);
    if (crc32(0L, crc_input, length + 4) != read_be32(bytes, at + 8 + length)) {
      error = "CRC mismatch in chunk " + type;
      return false;
    }
    if (type == "IHDR") {
      if (!parse_header(data, h, error)) return false;
      have_header = true;
    } else if (type == "IDAT") {
      idat += data;
    } else if (type == "IEND") {
      break;
    }
    at += 12 + length;
  }
  if (!have_header || idat.empty()) {
    error = "PNG without IHDR or IDAT";
    return false;
  }
  const std::size_t stride = h.width * h.channels;
  std::vector<std::uint8_t> raw(h.height * (stride + 1));
  uLongf raw_size = raw.size();
  if (uncompress(raw.data(), &raw_size, reinterpret_cast<const Bytef*>(idat.data()), idat.size()) !=
          Z_OK ||
      raw_size != raw.size()) {
    error = "IDAT does not inflate to " + std::to_string(raw.size()) + " bytes";
    return false;
  }
  if (!unfilter(raw, h, error)) return false;
  image.width = static_cast<int>(h.width);
  image.height = static_cast<int>(h.height);
  image.rgb.resize(static_cast<std::size_t>(h.width) * h.height * 3);
  for (std::size_t y = 0; y < h.height; ++y) {
    const std::uint8_t* row = raw.data() + y * (stride + 1) + 1;
    for (std::size_t x = 0; x < h.width; ++x) {
      for (std::size_t k = 0; k < 3; ++k) {
        image.rgb[(y * h.width + x) * 3 + k] = row[x * h.channels + k];
      }
    }
  }
  return true;
}

}  // namespace q50::testing
