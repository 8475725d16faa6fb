#ifndef Q50SIM_STORE_NUMBER_TEXT_H_
#define Q50SIM_STORE_NUMBER_TEXT_H_

// Doubles to text and back, exactly: what the store writes into CSV files and PostgreSQL's COPY
// stream, and how it reads PostgreSQL's text results.

#include <optional>
#include <string>
#include <string_view>

namespace q50::store {

// Appends Python's repr() of v: the shortest decimal that parses back to the same double, fixed
// notation when the decimal exponent is in [-4, 16) ("0.0005", "100.0", "-0.0"), otherwise
// scientific with a signed, at least two-digit exponent ("1e-05", "1.5e+16"); "nan", "inf",
// "-inf". pandas and PostgreSQL both read every one of these back to the same double.
void append_repr(std::string& out, double v);

// The number a parameter's text denotes, when it is a finite decimal number in the grammar of
// std::from_chars ("0.6", "-3", "1e-4"); nullopt for anything else ("kelly", "", " 1", "+1",
// "nan", "inf", "1.5x").
std::optional<double> numeric_parameter_value(std::string_view text);

// Parses a double as a database prints it ("0.1", "-1e+300", "Infinity", "-Infinity", "NaN");
// nullopt unless the whole text is one number.
std::optional<double> parse_double(std::string_view text);

}  // namespace q50::store

#endif  // Q50SIM_STORE_NUMBER_TEXT_H_
