#ifndef Q50SIM_IO_SWEEP_REPORT_H_
#define Q50SIM_IO_SWEEP_REPORT_H_

// sweep.html: one self-contained page per sweep (inline CSS and SVG, no script, nothing fetched)
// drawn from the runs a results store holds:
//   - a heatmap of [report] metric (default sharpe_ratio) over two dimensions x and y: each
//     cell the mean over the ok runs sharing that (x, y), the other dimensions and seeds
//     pooled, with its count, min and max in the cell's tooltip;
//   - its spread at each point: over the seeds of each configuration when the sweep has a seed
//     dimension, otherwise over the pooled dimensions of each heatmap cell: a box per group
//     (min, 25th, median, 75th percentile, max; linear interpolation) ordered best first, and
//     a heatmap of the standard deviation;
//   - per-regime robustness: for every breakdown kind the runs carry (market_regime,
//     variance_regime, tier, side), per key the distribution over runs of
//     [report] breakdown_metric (10th percentile, median, 90th, mean, share above zero);
//   - the best points by the metric, with their parameters, fingerprint and the exact command
//     that reruns each with full outputs (`q50sim sweep FILE --point K --out DIR`, or
//     `q50sim run BASE --seed N` when the seed is all that varies);
//   - failed points by reason.
// Deterministic: the same runs give the same bytes.

#include <string>
#include <vector>

#include "io/sweep_file.h"
#include "store/records.h"

namespace q50::io {

// runs as read_runs returns them (ascending point). spec.path is the sweep file as the
// commands name it.
std::string render_sweep_report(const SweepSpec& spec, const store::SweepRecord& sweep,
                                const std::vector<store::RunRecord>& runs);

}  // namespace q50::io

#endif  // Q50SIM_IO_SWEEP_REPORT_H_
