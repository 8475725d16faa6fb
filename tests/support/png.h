#ifndef Q50SIM_TESTS_SUPPORT_PNG_H_
#define Q50SIM_TESTS_SUPPORT_PNG_H_

#include <cstdint>
#include <string>
#include <vector>

namespace q50::testing {

// An 8-bit RGB image, rows top to bottom, 3 bytes per pixel.
struct RgbImage {
  int width = 0;
  int height = 0;
  std::vector<std::uint8_t> rgb;

  const std::uint8_t* pixel(int x, int y) const {
    return rgb.data() + (static_cast<std::size_t>(y) * static_cast<std::size_t>(width) +
                         static_cast<std::size_t>(x)) *
                            3;
  }
};

// Decodes a PNG file's bytes: 8-bit truecolour (RGB) or truecolour with alpha (RGBA, alpha
// dropped), not interlaced, which is what Chromium's screenshots are. Chunk CRCs are checked.
// On failure returns false and says why in error.
bool decode_png(const std::string& bytes, RgbImage& image, std::string& error);

}  // namespace q50::testing

#endif  // Q50SIM_TESTS_SUPPORT_PNG_H_
