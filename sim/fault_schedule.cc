#include "sim/fault_schedule.h"

#include <string>

namespace q50::sim {

FaultSchedule::FaultSchedule(const std::vector<Fault>& faults, std::uint64_t seed,
                             RunJournal& journal)
    : journal_(journal) {
  const Prng root = Prng(seed).fork("faults");
  runs_.reserve(faults.size());
  for (std::size_t i = 0; i < faults.size(); ++i) {
    runs_.push_back({FaultWindow(faults[i]), root.fork(std::to_string(i)), kNone, false});
    opened_[faults[i].kind];  // every configured kind is reported, even if it never opened
    if (faults[i].kind == FaultKind::kProcessCrash) has_crash_ = true;
  }
}

void FaultSchedule::open(std::size_t i, TimestampNs ts_ns) {
  Run& r = runs_[i];
  const FaultKind kind = r.window.fault().kind;
  r.log_index = log_.size();
  log_.push_back({ts_ns, kind, -1, 0});
  ++opened_[kind].windows;
  journal('F', i, ts_ns, r.window.start_ns());
}

FaultSchedule::Changes FaultSchedule::on_bar(std::int64_t index, TimestampNs ts_ns,
                                             TimestampNs now_ns) {
  Changes changes;
  for (std::size_t i = 0; i < runs_.size(); ++i) {
    FaultWindow& w = runs_[i].window;
    const bool was_closed = w.closed();
    const FaultWindow::Transition t = w.on_bar(index, ts_ns);
    if (t == FaultWindow::Transition::kOpened) {
      open(i, ts_ns);
      if (w.fault().kind == FaultKind::kProcessCrash) changes.crashes.push_back(i);
    }
    if (t != FaultWindow::Transition::kNone || was_closed != w.closed()) {
      changes.venue_models = true;
      if (w.closed()) journal('C', i, now_ns, w.end_ns());
    }
  }
  return changes;
}

std::size_t FaultSchedule::active(FaultKind kind) const {
  for (std::size_t i = 0; i < runs_.size(); ++i) {
    if (runs_[i].window.active() && runs_[i].window.fault().kind == kind) return i;
  }
  return kNone;
}

std::size_t FaultSchedule::latest_opened(FaultKind kind) const {
  std::size_t best = kNone;
  for (std::size_t i = 0; i < runs_.size(); ++i) {
    const FaultWindow& w = runs_[i].window;
    if (!w.opened() || w.fault().kind != kind) continue;
    if (best == kNone || w.start_ns() >= runs_[best].window.start_ns()) best = i;
  }
  return best;
}

bool FaultSchedule::fires(std::size_t i) {
  const double p = runs_[i].window.fault().probability;
  return p >= 1.0 || runs_[i].prng.uniform01() < p;
}

void FaultSchedule::inject(std::size_t i, std::int64_t n) {
  if (i == kNone || runs_[i].log_index == kNone) return;
  log_[runs_[i].log_index].injected += n;
}

void FaultSchedule::journal(char tag, std::size_t i, TimestampNs ts_ns, std::int64_t detail) {
  const auto kind =
      i == kNone ? std::uint8_t{0xff} : static_cast<std::uint8_t>(runs_[i].window.fault().kind);
  journal_.append(BinaryLine(tag).u8(kind).i64(ts_ns).i64(detail));
  if (journal_.keeps_text()) {
    const std::string name = i == kNone ? "-" : std::string(fault_kind_name(fault(i).kind));
    journal_.append_text(std::string("fault tag=") + tag + " kind=" + name + " ts_ns=" +
                         std::to_string(ts_ns) + " detail=" + std::to_string(detail));
  }
}

std::map<FaultKind, FaultStats> FaultSchedule::stats() const {
  std::map<FaultKind, FaultStats> out = opened_;
  for (const Run& r : runs_) {
    if (r.log_index == kNone) continue;
    const FaultEvent& e = log_[r.log_index];
    FaultStats& st = out[r.window.fault().kind];
    st.injected += e.injected;
    if (e.recovered_ts_ns >= 0) ++st.recovered;
  }
  return out;
}

}  // namespace q50::sim
