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

faults=(--throttle-rate 0.10 --error-rate 0.01)
# Both quota models of product.md §5, at the default budget (half the quota),
# clean and with 10% throttles + 1% 5xx; fake-aws counts the quota the same way.
mid=(--users 20000 --groups 2000 --memberships 100000 --tps 200 --latency-ms 20)
for model in collective per-api; do
  run "roster-20k-$model" "$roster" bench sync "${mid[@]}" --quota-model "$model" --json
  run "roster-20k-$model-faults" "$roster" bench sync "${mid[@]}" --quota-model "$model" "${faults[@]}" --json
done
# The same at AWS's default quota (20 requests/s): about 5 minutes each.
aws=(--users 20000 --groups 2000 --memberships 100000 --tps 20)
for model in collective per-api; do
  run "roster-20k-aws-quota-$model" "$roster" bench sync "${aws[@]}" --quota-model "$model" --json
  run "roster-20k-aws-quota-$model-faults" "$roster" bench sync "${aws[@]}" --quota-model "$model" "${faults[@]}" --json
done
run baseline-20k .venv/bin/python bench/baseline_boto3.py --roster "$roster" -- "${mid[@]}"
run baseline-20k-faults .venv/bin/python bench/baseline_boto3.py --roster "$roster" -- "${mid[@]}" "${faults[@]}"
run roster-storage-30-syncs "$roster" bench sync --users 20000 --groups 2000 --memberships 100000 --tps 5000 --repeat 30 --json
run roster-200k "$roster" bench sync --users 200000 --groups 100000 --memberships 1000000 --tps 2000 --latency-ms 5 --json
