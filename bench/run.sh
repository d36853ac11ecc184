#!/usr/bin/env bash
# The benchmarks of the README's performance section, in one run (figures
# vary with the machine; compare ratios). Needs the release build and .venv
# (scripts/test creates it). Prints one JSON line per run into bench/results.jsonl.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet
roster=target/release/roster
out=bench/results.jsonl
: > "$out"
run() { local name=$1; shift; printf '{"run":"%s","result":%s}\n' "$name" "$("$@")" | tee -a "$out"; }

mid=(--users 20000 --groups 2000 --memberships 100000 --tps 200 --latency-ms 20)
run roster-20k "$roster" bench sync "${mid[@]}" --json
run roster-20k-faults "$roster" bench sync "${mid[@]}" --throttle-rate 0.10 --error-rate 0.01 --json
run baseline-20k .venv/bin/python bench/baseline_boto3.py --roster "$roster" -- "${mid[@]}"
run baseline-20k-faults .venv/bin/python bench/baseline_boto3.py --roster "$roster" -- "${mid[@]}" --throttle-rate 0.10 --error-rate 0.01
run roster-storage-30-syncs "$roster" bench sync --users 20000 --groups 2000 --memberships 100000 --tps 5000 --repeat 30 --json
run roster-200k "$roster" bench sync --users 200000 --groups 100000 --memberships 1000000 --tps 2000 --latency-ms 5 --json
