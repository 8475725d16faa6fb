#ifndef Q50SIM_CHECKPOINT_CEREAL_GUARD_H_
#define Q50SIM_CHECKPOINT_CEREAL_GUARD_H_

// Pieces the checkpoint codecs (sim/legacy/replay_checkpoint.cc, checkpoint/strategy_state.cc, live/node_state.cc, through
// checkpoint/state_archive.h)
// share so that no byte of a checkpoint file is trusted while it is decoded: cereal reads a
// bool by copying a byte into it (a 2 there would be undefined behaviour) and sizes a vector
// from a count it has not checked (a tampered count would allocate before cereal notices the
// bytes are missing). Both keep cereal's own byte layout. Include only in those .cc files,
// after cereal's headers.

#include <cstddef>
#include <exception>
#include <istream>
#include <optional>
#include <sstream>
#include <cstdint>
#include <streambuf>
#include <string>
#include <string_view>
#include <vector>

#include <cereal/archives/portable_binary.hpp>
#include <cereal/cereal.hpp>

namespace q50::checkpoint {

// The body being decoded (set by the codec around its archive), for the bytes left.
inline thread_local const std::streambuf* t_decoding = nullptr;

// A bool as one byte, 0 or 1 (cereal's layout); anything else is refused on load.
struct Flag {
  bool& value;
};

template <class Archive>
void save(Archive& ar, const Flag& f) {
  ar(static_cast<std::uint8_t>(f.value ? 1 : 0));
}

template <class Archive>
void load(Archive& ar, Flag& f) {
  std::uint8_t byte = 0;
  ar(byte);
  if (byte > 1) throw cereal::Exception("a flag holds " + std::to_string(byte) + ", not 0 or 1");
  f.value = byte == 1;
}

inline Flag flag(bool& value) { return {value}; }

// std::vector<T> as cereal writes it (a size tag, then the elements); on load the count may
// not exceed the bytes left divided by min_bytes, the smallest encoding of one element.
template <class T>
struct BoundedVector {
  std::vector<T>& v;
  std::size_t min_bytes;
};

template <class Archive, class T>
void save(Archive& ar, const BoundedVector<T>& b) {
  ar(cereal::make_size_tag(static_cast<cereal::size_type>(b.v.size())));
  for (const T& x : b.v) ar(x);
}

template <class Archive, class T>
void load(Archive& ar, BoundedVector<T>& b) {
  cereal::size_type n = 0;
  ar(cereal::make_size_tag(n));
  std::uint64_t left = 0;
  if (t_decoding != nullptr) {
    left = static_cast<std::uint64_t>(const_cast<std::streambuf*>(t_decoding)->in_avail());
  }
  if (n > left / b.min_bytes) {
    throw cereal::Exception("a list claims " + std::to_string(n) + " entries; only " +
                            std::to_string(left) + " bytes are left");
  }
  b.v.resize(static_cast<std::size_t>(n));
  for (T& x : b.v) ar(x);
}

template <class T>
BoundedVector<T> bounded(std::vector<T>& v, std::size_t min_bytes) {
  return {v, min_bytes};
}

// std::string as cereal writes it (a size tag, then the bytes); on load the size may not
// exceed the bytes left (a tampered size would allocate up to 2^64 bytes first).
struct BoundedString {
  std::string& s;
};

template <class Archive>
void save(Archive& ar, const BoundedString& b) {
  ar(b.s);
}

template <class Archive>
void load(Archive& ar, BoundedString& b) {
  cereal::size_type n = 0;
  ar(cereal::make_size_tag(n));
  std::uint64_t left = 0;
  if (t_decoding != nullptr) {
    left = static_cast<std::uint64_t>(const_cast<std::streambuf*>(t_decoding)->in_avail());
  }
  if (n > left) {
    throw cereal::Exception("a text claims " + std::to_string(n) + " bytes; only " +
                            std::to_string(left) + " are left");
  }
  b.s.resize(static_cast<std::size_t>(n));
  ar(cereal::binary_data(b.s.data(), static_cast<std::size_t>(n)));
}

inline BoundedString bounded(std::string& s) { return {s}; }

// Sets t_decoding for a scope.
class Decoding {
 public:
  explicit Decoding(const std::streambuf* body) { t_decoding = body; }
  ~Decoding() { t_decoding = nullptr; }
  Decoding(const Decoding&) = delete;
  Decoding& operator=(const Decoding&) = delete;
};

// Reads a body in place: the get area of a string_view, never written through.
class ViewBuffer : public std::streambuf {
 public:
  explicit ViewBuffer(std::string_view bytes) {
    char* begin = const_cast<char*>(bytes.data());  // NOLINT: read-only get area
    setg(begin, begin, begin + bytes.size());
  }
};

// The body of a checkpoint: the parts in cereal's portable binary layout.
template <class... Parts>
std::string write_body(const Parts&... parts) {
  std::ostringstream body(std::ios::binary);
  {
    cereal::PortableBinaryOutputArchive ar(body);
    ar(parts...);
  }
  return std::move(body).str();
}

// Why a body did not decode: cereal's message, or bytes left over after the last part.
struct BodyError {
  bool trailing = false;
  std::string message;  // when !trailing
};

// Reads the parts from a body (write_body's layout) in place, lists bounded by the bytes left
// (Decoding); nullopt when every byte was read into them.
template <class... Parts>
std::optional<BodyError> read_body(std::string_view body, Parts&... parts) {
  ViewBuffer buffer(body);
  std::istream in(&buffer);
  try {
    const Decoding decoding(&buffer);
    cereal::PortableBinaryInputArchive ar(in);
    ar(parts...);
  } catch (const std::exception& e) {
    return BodyError{false, e.what()};
  }
  if (in.peek() != std::char_traits<char>::eof()) return BodyError{true, {}};
  return std::nullopt;
}

}  // namespace q50::checkpoint

#endif  // Q50SIM_CHECKPOINT_CEREAL_GUARD_H_
