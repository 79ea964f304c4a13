#!/usr/bin/env bash
# Fairness gate for CI: audit the model's predictions against a policy, then make sure no
# disparity got worse than in the audit of the last released model (the baseline).
#
# usage: fairness_gate.sh PREDICTIONS.csv [BASELINE.json] [OUT_DIR]
#   exit 0: policy passed and nothing got worse; 1: a fairness failure; 2: usage/input error.
# Environment: FAIRSCOPE (command to run, default "fairscope"), POLICY (default four-fifths),
#              TOLERANCE (allowed worsening versus the baseline, default 0.02),
#              HTML (1 to write the HTML report, the default; 0 to skip it).
set -uo pipefail

predictions=${1:?usage: fairness_gate.sh PREDICTIONS.csv [BASELINE.json] [OUT_DIR]}
baseline=${2:-}
out=${3:-fairscope-out}
fairscope=${FAIRSCOPE:-fairscope}
mkdir -p "$out"
html_args=()
if [ "${HTML:-1}" != "0" ]; then
  html_args=(--html "$out/report.html")
fi

$fairscope audit "$predictions" \
  --y-true repaid --y-pred approved \
  --sensitive sex --sensitive race \
  --policy "${POLICY:-four-fifths}" \
  --json "$out/audit.json" --junit "$out/junit.xml" \
  --markdown "$out/summary.md" "${html_args[@]}"
audit_status=$?
if [ "$audit_status" -eq 2 ]; then
  echo "fairness gate: the audit could not run (see the error above)" >&2
  exit 2
fi

compare_status=0
if [ -n "$baseline" ] && [ -f "$baseline" ]; then
  $fairscope compare "$baseline" "$out/audit.json" --tolerance "${TOLERANCE:-0.02}" \
    --json "$out/compare.json"
  compare_status=$?
  if [ "$compare_status" -eq 2 ]; then
    exit 2
  fi
fi

if [ "$audit_status" -ne 0 ] || [ "$compare_status" -ne 0 ]; then
  echo "fairness gate: FAILED (policy exit $audit_status, baseline exit $compare_status)" >&2
  exit 1
fi
echo "fairness gate: passed"
