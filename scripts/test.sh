#!/usr/bin/env bash
# The README's test command: set-up (idempotent), build, every test project, then one plain
# "N passed, N failed, N skipped" line summed over all test assemblies (xunit prints none of its own).
#   scripts/test.sh [extra dotnet test args, e.g. --filter Category!=Slow]
set -uo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here" || exit 2

bash scripts/setup.sh --tests || exit 1

results="$here/TestResults"
rm -rf "$results"
dotnet build LensSweep.sln -c Release -nologo -v q -clp:ErrorsOnly || { echo "0 passed, 1 failed"; exit 1; }

# One test assembly at a time: the machines have 2 cores and TorchSharp tests are CPU-bound.
dotnet test LensSweep.sln -c Release --no-build -nologo -m:1 \
  --logger "trx" --logger "console;verbosity=normal" --results-directory "$results" \
  --blame-hang-timeout 8m "$@"
status=$?

passed=0; failed=0; skipped=0; files=0
for trx in "$results"/*.trx; do
  [ -f "$trx" ] || continue
  files=$((files + 1))
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -1)
  get() { echo "$counters" | sed -n "s/.* $1=\"\([0-9]*\)\".*/\1/p"; }
  total=$(get total); executed=$(get executed); p=$(get passed); f=$(get failed); e=$(get error); t=$(get timeout)
  passed=$((passed + ${p:-0}))
  failed=$((failed + ${f:-0} + ${e:-0} + ${t:-0}))
  skipped=$((skipped + ${total:-0} - ${executed:-0}))
done
if [ "$files" -eq 0 ] && [ "$status" -ne 0 ]; then failed=$((failed + 1)); fi
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi   # a crashed test host counts as a failure
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ] && [ "$status" -eq 0 ]
