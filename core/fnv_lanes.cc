#include "core/fnv_lanes.h"

#include <algorithm>
#include <array>
#include <cstddef>
#include <utility>

#include "core/check.h"
#include "core/fnv_literal.h"

namespace q50 {
namespace {

constexpr std::size_t kMaxLanes = 8;

// n bytes of each of the lanes I..., a byte of each per step. The hashes are locals (one
// register each) and the steps are written out by the fold, not by a loop over lanes, so that
// both compilers keep every chain in a register.
template <std::size_t... I>
void step_lanes(std::index_sequence<I...>, const unsigned char* const* p, std::uint64_t* h,
                std::size_t n) {
  std::uint64_t x[sizeof...(I)] = {h[I]...};
  for (std::size_t i = 0; i < n; ++i) {
    ((x[I] = (x[I] ^ p[I][i]) * kFnvPrime), ...);
  }
  ((h[I] = x[I]), ...);
}

template <std::size_t K>
void step_lanes(const unsigned char* const* p, std::uint64_t* h, std::size_t n) {
  step_lanes(std::make_index_sequence<K>{}, p, h, n);
}

// Up to kMaxLanes texts: while any is left, the common length of those left, all at once.
void hash_group(std::span<const std::string_view> texts, std::span<std::uint64_t> hashes) {
  std::array<const unsigned char*, kMaxLanes> at{};
  std::array<std::size_t, kMaxLanes> left{};
  std::array<std::uint64_t, kMaxLanes> h{};
  std::array<std::size_t, kMaxLanes> lane_of{};  // which text a lane holds
  std::size_t lanes = 0;
  for (std::size_t t = 0; t < texts.size(); ++t) {
    if (texts[t].empty()) continue;
    at[lanes] = reinterpret_cast<const unsigned char*>(texts[t].data());
    left[lanes] = texts[t].size();
    h[lanes] = hashes[t];
    lane_of[lanes] = t;
    ++lanes;
  }
  while (lanes > 0) {
    const std::size_t n = *std::min_element(left.begin(), left.begin() + lanes);
    switch (lanes) {
      case 1: step_lanes<1>(at.data(), h.data(), n); break;
      case 2: step_lanes<2>(at.data(), h.data(), n); break;
      case 3: step_lanes<3>(at.data(), h.data(), n); break;
      case 4: step_lanes<4>(at.data(), h.data(), n); break;
      case 5: step_lanes<5>(at.data(), h.data(), n); break;
      case 6: step_lanes<6>(at.data(), h.data(), n); break;
      case 7: step_lanes<7>(at.data(), h.data(), n); break;
      default: step_lanes<8>(at.data(), h.data(), n); break;
    }
    // Advance every lane; a lane whose text ended hands its hash back and its place to the
    // last lane.
    for (std::size_t l = 0; l < lanes;) {
      at[l] += n;
      left[l] -= n;
      if (left[l] == 0) {
        hashes[lane_of[l]] = h[l];
        --lanes;
        at[l] = at[lanes];
        left[l] = left[lanes];
        h[l] = h[lanes];
        lane_of[l] = lane_of[lanes];
      } else {
        ++l;
      }
    }
  }
}

}  // namespace

void fnv1a_lanes(std::span<const std::string_view> texts, std::span<std::uint64_t> hashes) {
  Q50_CHECK(texts.size() == hashes.size(), "fnv1a_lanes: texts and hashes differ in count");
  for (std::size_t start = 0; start < texts.size(); start += kMaxLanes) {
    const std::size_t count = std::min(kMaxLanes, texts.size() - start);
    hash_group(texts.subspan(start, count), hashes.subspan(start, count));
  }
}

}  // namespace q50
