#include "io/run_csv.h"

#include <cmath>

#include "core/fixed_point.h"
#include "core/number_format.h"
#include "core/timestamp.h"

namespace q50::io {
namespace {

// Fields of one row, separated by commas.
class Row {
 public:
  explicit Row(std::string& out) : out_(out) {}
  ~Row() { out_ += '\n'; }
  Row& str(std::string_view s) {
    sep();
    out_ += s;
    return *this;
  }
  Row& f64(double v) {
    sep();
    if (!std::isnan(v)) append_py_repr(out_, v);
    return *this;
  }
  Row& i64(std::int64_t v) {
    sep();
    out_ += std::to_string(v);
    return *this;
  }
  Row& e8(std::int64_t v) { return f64(to_double(v)); }

 private:
  void sep() {
    if (fields_++ > 0) out_ += ',';
  }
  std::string& out_;
  int fields_ = 0;
};

}  // namespace

std::string_view bars_csv_header() {
  return "timestamp,close,signal_used,side,tier,variance_regime,size,target_qty,order_qty,"
         "waiting,risk_limited,risk_reason,position,cash,equity\n";
}

std::string_view trades_csv_header() {
  return "timestamp,ts_ns,order_id,client_order_id,side,qty,price,notional,fee,slippage,"
         "liquidity\n";
}

void append_bar_row(std::string& out, const strategy::BarRecord& r) {
  Row row(out);
  row.str(format_timestamp(r.ts_ns)).f64(r.close).i64(r.signal_used ? 1 : 0);
  row.i64(r.side).i64(r.tier).str(variance_regime_name(r.variance_regime));
  row.f64(r.size).f64(r.target_qty).f64(r.order_qty);
  row.i64(r.waiting ? 1 : 0).i64(r.risk_limited ? 1 : 0);
  row.str(r.risk_limited ? reject_reason_name(r.risk_reason) : "");
  row.f64(r.position).f64(r.cash).f64(r.equity);
}

void append_trade_row(std::string& out, const ports::FillRecord& f) {
  Row row(out);
  row.str(format_timestamp(f.ts_ns)).i64(f.ts_ns).i64(f.order_id).i64(f.client_order_id);
  row.str(f.qty_e8 > 0 ? "BUY" : "SELL").e8(f.qty_e8 > 0 ? f.qty_e8 : -f.qty_e8);
  row.e8(f.price_e8).e8(f.notional_e8).e8(f.fee_e8).e8(f.slippage_e8);
  row.str(venue::liquidity_name(f.liquidity));
}

}  // namespace q50::io
