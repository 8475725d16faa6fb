#include "sim/faulty_venue.h"

#include <algorithm>
#include <cmath>
#include <utility>

#include "core/fixed_point.h"

namespace q50::sim {

FaultyVenue::FaultyVenue(SimVenue& inner, FaultSchedule& schedule)
    : inner_(inner),
      schedule_(schedule),
      base_outages_(inner.exchange().config().outages),
      base_spikes_(inner.exchange().config().latency.spikes),
      base_rate_(inner.exchange().config().rate_limit) {}

// Rejects the venue answered with (outage, rate limit) count against the latest window of
// that kind.
void FaultyVenue::count_rejects(const std::vector<VenueEvent>& events, std::size_t from) {
  for (std::size_t i = from; i < events.size(); ++i) {
    const auto* r = std::get_if<OrderRejected>(&events[i]);
    if (r == nullptr) continue;
    if (r->code == RejectCode::kVenueDown) {
      schedule_.inject(schedule_.latest_opened(FaultKind::kVenueOutage));
    }
    if (r->code == RejectCode::kRateLimited) {
      schedule_.inject(schedule_.latest_opened(FaultKind::kRateLimit));
    }
  }
}

void FaultyVenue::submit(const OrderRequest& request, TimestampNs now_ns,
                         std::vector<VenueEvent>& out) {
  const std::size_t first = out.size();
  const std::size_t reject = schedule_.active(FaultKind::kOrderReject);
  if (reject != FaultSchedule::kNone && schedule_.fires(reject)) {
    schedule_.inject(reject);
    schedule_.note_affected(reject);
    OrderRejected r;
    r.ts_ns = now_ns;
    r.client_order_id = request.client_order_id;
    r.code = schedule_.fault(reject).reason;
    r.reason = "fault injected: order_reject";
    out.push_back(std::move(r));
    count_rejects(out, first);
    return;
  }
  OrderRequest sent = request;
  const std::size_t partial = schedule_.active(FaultKind::kPartialFill);
  if (partial != FaultSchedule::kNone && schedule_.fires(partial)) {
    const std::int64_t cut_e8 = round_qty_down(
        inner_.exchange().config().instrument,
        to_e8_nearest(to_double(request.qty_e8) * schedule_.fault(partial).fill_fraction));
    if (cut_e8 > 0 && cut_e8 < request.qty_e8) {
      schedule_.inject(partial);
      schedule_.note_affected(partial);
      sent.qty_e8 = cut_e8;
    }
  }
  schedule_.inject(schedule_.active(FaultKind::kLatencySpike));
  TimestampNs send_ns = now_ns;
  const std::size_t skew = schedule_.active(FaultKind::kClockSkew);
  if (skew != FaultSchedule::kNone) {
    schedule_.inject(skew);
    const TimestampNs stamped = now_ns + schedule_.fault(skew).skew_ns;
    if (stamped < now_ns) schedule_.journal('K', skew, now_ns, stamped);
    send_ns = std::max(now_ns, stamped);
  }
  inner_.submit(sent, send_ns, out);
  count_rejects(out, first);
}

void FaultyVenue::cancel(const CancelRequest& request, TimestampNs now_ns,
                         std::vector<VenueEvent>& out) {
  const std::size_t first = out.size();
  inner_.cancel(request, now_ns, out);
  count_rejects(out, first);
}

std::optional<venue::OrderStatusReport> FaultyVenue::query_order(
    std::string_view client_order_id, TimestampNs now_ns) {
  return inner_.query_order(client_order_id, now_ns);
}

std::optional<venue::AccountReport> FaultyVenue::query_account(TimestampNs now_ns) {
  return inner_.query_account(now_ns);
}

void FaultyVenue::on_bar(const Bar& bar, std::vector<VenueEvent>& out) {
  if (venue_down(inner_.exchange().config().outages, bar.ts_ns)) {
    schedule_.inject(schedule_.latest_opened(FaultKind::kVenueOutage));
  }
  inner_.on_bar(bar, out);
}

// The exchange's outage/spike/rate models: the scenario's own plus every opened fault window
// (an open end stays kOpenEnded until its closing bar is known).
void FaultyVenue::sync_models() {
  std::vector<Outage> outages = base_outages_;
  std::vector<LatencySpike> spikes = base_spikes_;
  RateLimit rate = base_rate_;
  for (std::size_t i = 0; i < schedule_.size(); ++i) {
    const FaultWindow& w = schedule_.window(i);
    if (!w.opened() || w.end_ns() <= w.start_ns()) continue;
    if (w.fault().kind == FaultKind::kVenueOutage) outages.push_back({w.start_ns(), w.end_ns()});
    if (w.fault().kind == FaultKind::kLatencySpike) {
      spikes.push_back({w.start_ns(), w.end_ns(), w.fault().latency_ns});
    }
  }
  Exchange& exchange = inner_.exchange();
  exchange.set_outages(std::move(outages));
  exchange.set_latency_spikes(std::move(spikes));
  const std::size_t limited = schedule_.active(FaultKind::kRateLimit);
  if (limited != FaultSchedule::kNone) {
    const Fault& f = schedule_.fault(limited);
    rate = {RateLimit::Kind::kFixedWindow, f.max_orders, f.window_ns};
  }
  const RateLimit& now = exchange.config().rate_limit;
  if (now.kind != rate.kind || now.max_orders != rate.max_orders ||
      now.window_ns != rate.window_ns) {
    exchange.set_rate_limit(rate);
  }
}

}  // namespace q50::sim
