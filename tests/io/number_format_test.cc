#include "core/number_format.h"

#include <boost/test/unit_test.hpp>
#include <cmath>
#include <limits>

namespace q50::io {
namespace {

BOOST_AUTO_TEST_CASE(matches_python_repr) {
  // Expected strings are Python 3.11 repr() of the same doubles.
  BOOST_TEST(py_repr(0.0) == "0.0");
  BOOST_TEST(py_repr(-0.0) == "-0.0");
  BOOST_TEST(py_repr(100.0) == "100.0");
  BOOST_TEST(py_repr(1.1) == "1.1");
  BOOST_TEST(py_repr(0.0005) == "0.0005");
  BOOST_TEST(py_repr(0.0001) == "0.0001");
  BOOST_TEST(py_repr(1e-05) == "1e-05");
  BOOST_TEST(py_repr(7.1279905569099355e-06) == "7.1279905569099355e-06");
  BOOST_TEST(py_repr(0.0003512474000453949) == "0.0003512474000453949");
  BOOST_TEST(py_repr(4308.830078125) == "4308.830078125");
  BOOST_TEST(py_repr(1e16) == "1e+16");
  BOOST_TEST(py_repr(1.5e16) == "1.5e+16");
  BOOST_TEST(py_repr(9999999999999998.0) == "9999999999999998.0");
  BOOST_TEST(py_repr(123456789012345.6) == "123456789012345.6");
  BOOST_TEST(py_repr(-2.5e-300) == "-2.5e-300");
  BOOST_TEST(py_repr(1e100) == "1e+100");
  BOOST_TEST(py_repr(std::numeric_limits<double>::infinity()) == "inf");
  BOOST_TEST(py_repr(-std::numeric_limits<double>::infinity()) == "-inf");
  BOOST_TEST(py_repr(std::nan("")) == "");
}

BOOST_AUTO_TEST_CASE(float32_written_as_exact_double) {
  std::string out;
  append_py_repr_f32(out, 0.1f);
  BOOST_TEST(out == "0.10000000149011612");
}

}  // namespace
}  // namespace q50::io
