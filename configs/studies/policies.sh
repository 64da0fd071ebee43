#!/usr/bin/env bash
# Usage: configs/studies/policies.sh [--out DIR] [more `pipescale sweep` options ...]
# The policy study: the default pipeline (configs/default.toml) simulated under every pair of a
# batching policy (stages.detect.batching: deadline, timeout, aimd) and a scaling policy
# (scheduler.policy: reactive, predictive), 5 replications each (seeds run.seed to run.seed+4):
# 30 runs of the 60-second bursty trace. Writes sweep.csv (each pair's means and 95 % intervals),
# sweep_runs.csv and sweep.png into DIR (default runs/study-policies); configs/studies/README.md
# says how to read them. Builds the pipescale binary first if it is missing. Exit status: the sweep's.
set -euo pipefail
[[ "${1:-}" != "-h" && "${1:-}" != "--help" ]] || { sed -n '2,8s/^# \{0,1\}//p' "$0"; exit 0; }
root=$(cd "$(dirname "$0")/../.." && pwd)
out=runs/study-policies
if [[ "${1:-}" == "--out" ]]; then
  [[ $# -ge 2 ]] || { echo "configs/studies/policies.sh: --out needs a folder" >&2; exit 2; }
  out=$2
  shift 2
fi
binary=${PIPESCALE_BINARY:-$root/build/release/pipescale}
if [[ ! -x $binary ]]; then
  (cd "$root" && { [[ -f build/release/CMakeCache.txt ]] || cmake --preset release >/dev/null; } &&
    cmake --build --preset release --target pipescale -j "${PIPESCALE_BUILD_JOBS:-$(nproc)}" >&2)
fi
exec "$binary" sweep "$root/configs/default.toml" \
  --param stages.detect.batching --values deadline,timeout,aimd \
  --param scheduler.policy --values reactive,predictive \
  --replications 5 --simulate --out "$out" "$@"
