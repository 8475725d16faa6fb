#include "io/legacy_replay_files.h"

#include <cmath>
#include <string_view>
#include <utility>

#include "core/metrics.h"
#include "core/number_format.h"
#include "fmt/format.h"
#include "io/csv.h"
#include "io/py_json.h"

namespace q50::io {
namespace {

std::string_view original_signal(const legacy::HbTradeRecord& t) {
  switch (t.purpose) {
    case legacy::OrderPurpose::kNeutralClose:
      return "NEUTRAL_CLOSE";
    case legacy::OrderPurpose::kBacktestEnd:
      return "BACKTEST_END";
    case legacy::OrderPurpose::kDirectional:
      break;
  }
  return legacy::direction_name(t.signal);
}

// calculate_metrics as json.dump(indent=2) writes it. Python ints where the original yields

// an int: sharpe_ratio 0 when std is not > 0, win_rate 0 without trades.

std::string_view day_name(TimestampNs ts_ns) {
  static constexpr std::string_view kDays[] = {"Thursday", "Friday",   "Saturday", "Sunday",
                                               "Monday",   "Tuesday",  "Wednesday"};
  constexpr std::int64_t kDayNs = 86'400'000'000'000;
  std::int64_t day = ts_ns / kDayNs;
  if (ts_ns % kDayNs < 0) --day;
  return kDays[static_cast<std::size_t>(((day % 7) + 7) % 7)];
}

std::string qb_tier_json(const QbMetrics& m) {
  std::vector<std::pair<std::string, std::string>> sum, mean, count, conf;
  for (const QbTierPerformance& t : m.tier_performance) {
    const std::string key = std::to_string(t.tier);
    sum.emplace_back(key, py_json_float(t.pnl_sum));
    mean.emplace_back(key, py_json_float(t.pnl_mean));
    count.emplace_back(key, std::to_string(t.pnl_count));
    conf.emplace_back(key, py_json_float(t.tier_confidence_mean));
  }
  return py_json_object({{"pnl_sum", py_json_object(sum, 2)},
                      {"pnl_mean", py_json_object(mean, 2)},
                      {"pnl_count", py_json_object(count, 2)},
                      {"tier_confidence_mean", py_json_object(conf, 2)}},
                     1);
}

// _calculate_metrics as save_results serialises it. Python ints where the original yields

// one: volatility 0 for one row, sharpe 0 unless volatility > 0, win_rate/avg_win/avg_loss 0

// when their count is 0.

CsvWriter::HeaderLine header_line(RowRange rows) {
  return rows.begin == 0 ? CsvWriter::HeaderLine::kWrite : CsvWriter::HeaderLine::kOmit;
}

}  // namespace

HbBarSeries hb_bar_series(const sim::ReplayResult& r) {
  HbBarSeries s;
  s.pv.reserve(r.hb_bars.size());
  for (const auto& b : r.hb_bars) s.pv.push_back(b.portfolio_value);
  s.returns = simple_returns(s.pv);
  s.drawdowns = drawdowns(s.pv);
  return s;
}

std::string hb_bars_csv(const sim::ReplayResult& r, const HbBarSeries& series, RowRange rows) {
  CsvWriter w({"timestamp", "price", "signal_direction", "target_pct", "confidence",
                   "prob_up", "prob_down_adj", "prob_neutral", "prob_up_adj", "action_taken",
                   "hold_reason", "balance", "position", "portfolio_value", "pnl", "returns",
                   "drawdown"},
                  rows.end - rows.begin, header_line(rows));
  for (std::size_t i = rows.begin; i < rows.end; ++i) {
    const legacy::HbBarRecord& b = r.hb_bars[i];
    w.timestamp(b.ts_ns).f64(b.price).str(legacy::direction_name(b.signal.direction));
    w.f64(b.signal.target_pct).f64(b.signal.confidence).f64(b.signal.prob_up);
    w.f64(b.signal.prob_down_adj).f64(b.signal.prob_neutral).f64(b.signal.prob_up_adj);
    w.str(b.traded ? "TRADE" : "HOLD").str(legacy::hold_reason_name(b.hold_reason));
    w.f64(b.balance).f64(b.position).f64(b.portfolio_value).f64(b.pnl);
    if (i == 0) {
      w.empty();
    } else {
      w.f64(series.returns[i - 1]);
    }
    w.f64(series.drawdowns[i]);
    w.end_row();
  }
  return std::move(w).release();
}

std::string hb_trades_csv(const sim::ReplayResult& r, RowRange rows) {
  CsvWriter w({"timestamp", "side", "trade_type", "original_signal", "quantity", "price",
                   "fee_cost", "slippage_cost", "position_before", "position_after",
                   "balance_after", "pnl", "entry_price"},
                  rows.end - rows.begin, header_line(rows));
  for (std::size_t i = rows.begin; i < rows.end; ++i) {
    const legacy::HbTradeRecord& t = r.hb_trades[i];
    w.timestamp(t.ts_ns).str(t.buy ? "BUY" : "SELL");
    w.str(t.purpose == legacy::OrderPurpose::kDirectional ? "DIRECTIONAL" : "POSITION_CLOSURE");
    w.str(original_signal(t)).f64(t.quantity).f64(t.price).f64(t.fee_cost).f64(t.slippage_cost);
    w.f64(t.position_before).f64(t.position_after).f64(t.balance_after).f64(t.pnl);
    w.f64(t.entry_price);
    w.end_row();
  }
  return std::move(w).release();
}

std::string hb_holds_csv(const sim::ReplayResult& r, RowRange rows) {
  CsvWriter w({"timestamp", "hold_reason", "position", "price", "portfolio_value"},
                  rows.end - rows.begin, header_line(rows));
  for (std::size_t i = rows.begin; i < rows.end; ++i) {
    const legacy::HbHoldRecord& h = r.hb_holds[i];
    w.timestamp(h.ts_ns).str(legacy::hold_reason_name(h.reason)).f64(h.position);
    w.f64(h.price).f64(h.portfolio_value);
    w.end_row();
  }
  return std::move(w).release();
}

HbMetrics hb_replay_metrics(const sim::ReplayResult& r, const std::vector<double>& pv,
                            double initial_balance) {
  std::vector<double> trade_pnl;
  trade_pnl.reserve(r.hb_trades.size());
  for (const auto& t : r.hb_trades) trade_pnl.push_back(t.pnl);
  std::vector<std::string_view> reasons;
  reasons.reserve(r.hb_holds.size());
  for (const auto& h : r.hb_holds) reasons.push_back(legacy::hold_reason_name(h.reason));
  return hb_metrics({pv, trade_pnl, reasons, initial_balance, r.final_cash, r.final_position});
}

std::string hb_metrics_json(const sim::ReplayResult& r, const std::vector<double>& pv,
                            double initial_balance) {
  const HbMetrics m = hb_replay_metrics(r, pv, initial_balance);
  std::vector<std::pair<std::string, std::string>> hold_reasons;
  for (const auto& [reason, count] : m.hold_reasons) {
    hold_reasons.emplace_back(reason, std::to_string(count));
  }
  const bool has_std = m.volatility > 0;
  return py_json_object(
      {{"total_return", py_json_float(m.total_return)},
       {"annualized_return", py_json_float(m.annualized_return)},
       {"volatility", py_json_float(m.volatility)},
       {"sharpe_ratio", has_std ? py_json_float(m.sharpe_ratio) : "0"},
       {"max_drawdown", py_json_float(m.max_drawdown)},
       {"total_trades", std::to_string(m.total_trades)},
       {"total_holds", std::to_string(m.total_holds)},
       {"total_periods", std::to_string(m.total_periods)},
       {"trade_frequency", py_json_float(m.trade_frequency)},
       {"hold_frequency", py_json_float(m.hold_frequency)},
       {"hold_reasons", py_json_object(hold_reasons, 1)},
       {"win_rate", m.total_trades > 0 ? py_json_float(m.win_rate) : "0"},
       {"final_balance", py_json_float(m.final_balance)},
       {"final_position", py_json_float(m.final_position)},
       {"final_portfolio_value", py_json_float(m.final_portfolio_value)}},
      0) + "\n";
}

std::string qb_trades_csv(const sim::ReplayResult& r, RowRange rows) {
  CsvWriter w({"timestamp", "date", "hour", "day_of_week", "side", "position_before",
                   "position_after", "position_change", "spread", "prob_down", "prob_neutral",
                   "prob_up", "tier", "tier_confidence", "pnl", "is_profitable",
                   "cumulative_pnl", "fee_cost", "slippage_cost", "total_cost",
                   "portfolio_value", "drawdown"},
                  rows.end - rows.begin, header_line(rows));
  std::string ts;
  for (std::size_t i = rows.begin; i < rows.end; ++i) {
    const legacy::QbRowRecord& q = r.qb_rows[i];
    ts = format_timestamp(q.ts_ns);
    w.str(ts).str(std::string_view(ts).substr(0, 10));
    w.i64(std::stoll(ts.substr(11, 2))).str(day_name(q.ts_ns));
    w.str(legacy::qb_side_name(q.side)).f64(q.position_before).f64(q.position_after);
    w.f64(q.position_after - q.position_before).f64(q.spread);
    w.f64(q.prob_down).f64(q.prob_neutral).f64(q.prob_up).i64(q.tier).f64(q.tier_confidence);
    w.f64(q.pnl).boolean(q.pnl > 0).f64(q.cumulative_pnl).f64(q.fee_cost).f64(q.slippage_cost);
    w.f64(q.fee_cost + q.slippage_cost).f64(q.portfolio_value).f64(q.drawdown);
    w.end_row();
  }
  return std::move(w).release();
}

QbMetrics qb_replay_metrics(const sim::ReplayResult& r, const QbBacktestConfig& config) {
  std::vector<QbMetricsRow> rows;
  rows.reserve(r.qb_rows.size());
  for (const auto& q : r.qb_rows) {
    rows.push_back({q.side == legacy::QbSide::kHold, q.pnl, q.drawdown, q.portfolio_value,
                    q.tier, q.tier_confidence, q.prob_up});
  }
  return qb_metrics(rows, {config.params.initial_capital, config.prediction_horizon_hours,
                           config.data_frequency});
}

std::string qb_metrics_json(const sim::ReplayResult& r, const QbBacktestConfig& config) {
  std::int64_t wins = 0, losses = 0;
  for (const auto& q : r.qb_rows) {
    wins += q.pnl > 0 ? 1 : 0;
    losses += q.pnl < 0 ? 1 : 0;
  }
  const QbMetrics m = qb_replay_metrics(r, config);
  const std::size_t rows = r.qb_rows.size();
  std::vector<std::pair<std::string, std::string>> calibration;
  for (const QbCalibrationBin& b : m.probability_calibration) {
    calibration.emplace_back(
        fmt::format("({}, {}]", py_repr(b.label_left), py_repr(b.label_right)),
        std::isnan(b.up_fraction) ? "null" : py_json_float(b.up_fraction));
  }
  return py_json_object(
      {{"total_return", py_json_float(m.total_return)},
       {"annualized_return", py_json_float(m.annualized_return)},
       {"volatility", rows > 1 ? py_json_float(m.volatility) : "0"},
       {"sharpe_ratio", m.volatility > 0 ? py_json_float(m.sharpe_ratio) : "0"},
       {"max_drawdown", py_json_float(m.max_drawdown)},
       {"total_trades", std::to_string(m.total_trades)},
       {"win_rate", m.total_trades > 0 ? py_json_float(m.win_rate) : "0"},
       {"avg_win", wins > 0 ? py_json_float(m.avg_win) : "0"},
       {"avg_loss", losses > 0 ? py_json_float(m.avg_loss) : "0"},
       {"profit_factor", py_json_float(m.profit_factor)},
       {"data_frequency", py_json_string(m.data_frequency)},
       {"prediction_horizon_hours", py_json_float(m.prediction_horizon_hours)},
       {"periods_per_year", py_json_float(m.periods_per_year)},
       {"tier_performance", qb_tier_json(m)},
       {"probability_calibration", py_json_object(calibration, 1)}},
      0) + "\n";
}

}  // namespace q50::io
