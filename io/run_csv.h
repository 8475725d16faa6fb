#ifndef Q50SIM_IO_RUN_CSV_H_
#define Q50SIM_IO_RUN_CSV_H_

// The rows of a run's bars.csv (one per strategy decision) and trades.csv (one per fill), in
// one encoding for every driver: `q50sim run` writes them into its output directory, the live
// node appends them to its state directory, so a simulated and a live run compare column for
// column. Floats are Python's repr (NaN: an empty field), amounts in whole units.

#include <string>
#include <string_view>

#include "core/ports/sink.h"
#include "core/strategy.h"

namespace q50::io {

// The header lines, with their newline.
std::string_view bars_csv_header();
std::string_view trades_csv_header();

// One row, with its newline, appended to out.
void append_bar_row(std::string& out, const strategy::BarRecord& record);
void append_trade_row(std::string& out, const ports::FillRecord& fill);

}  // namespace q50::io

#endif  // Q50SIM_IO_RUN_CSV_H_
