#!/usr/bin/env bash
# Builds the whole solution and runs every test tier against a private Azurite.
# Usage: ./test.sh [extra dotnet test arguments, e.g. --filter FullyQualifiedName~Guarantees]
set -euo pipefail
source "$(dirname "$0")/scripts/common.sh"
cd "$REPO_ROOT"

ensure_tools
ensure_node_modules
ensure_debian_packages "${CERTIFICATE_FONTS[@]}" "${TEST_BROWSER[@]}"

CONFIGURATION=Release
log "Building Workflows.sln ($CONFIGURATION)"
dotnet build Workflows.sln -c "$CONFIGURATION" -nologo -clp:ErrorsOnly
# The portal as people get it (trimmed, compressed): the server in the end-to-end tier serves this folder at /.
log "Publishing the portal"
dotnet publish portal/Workflows.Portal/Workflows.Portal.csproj -c "$CONFIGURATION" -nologo -clp:ErrorsOnly
log "Linting Bicep"
bash scripts/bicep.sh

# Private emulators: free ports, their own folders, stopped and removed on exit whatever happens. The integration tier
# mostly waits on the engine's timers and queues (about 5% of a core), so it runs beside the end-to-end tier, each on an
# Azurite of its own (one Azurite is one thread); TEST_TIERS_SERIAL=1 runs the tiers one after another instead.
WORK_DIR="$(mktemp -d -t workflows-test-XXXXXX)"
AZURITE_PIDS=()
cleanup() {
  for pid in "${AZURITE_PIDS[@]}"; do AZURITE_PID=$pid stop_azurite; done
  rm -rf "$WORK_DIR"
}
trap cleanup EXIT INT TERM
log "Starting two private Azurites"
start_azurite "$WORK_DIR/azurite-a" "$(free_port)" "$(free_port)" "$(free_port)"
AZURITE_PIDS+=("$AZURITE_PID")
STORAGE_A="$AZURITE_CONNECTION_STRING"
start_azurite "$WORK_DIR/azurite-b" "$(free_port)" "$(free_port)" "$(free_port)"
AZURITE_PIDS+=("$AZURITE_PID")
STORAGE_B="$AZURITE_CONNECTION_STRING"

RESULTS="$WORK_DIR/results"
# run_tier NAME STORAGE PROJECT [ARGS]: runs one tier against that emulator; a failure is written to $RESULTS/NAME.failed.
run_tier() {
  local name=$1 storage=$2 project=$3
  shift 3
  log "Tests: $name"
  if ! WORKFLOWS_TEST_STORAGE="$storage" dotnet test "$project" -c "$CONFIGURATION" --no-build -nologo \
      --logger "console;verbosity=minimal" --logger "trx;LogFilePrefix=$name" --results-directory "$RESULTS" "$@"; then
    mkdir -p "$RESULTS" && touch "$RESULTS/$name.failed"
  fi
}
# Each line of a tier running beside another carries its name, so the two stay readable.
run_tier_labelled() {
  local name=$1
  run_tier "$@" 2>&1 | sed -u "s/^/[$name] /"
}

run_tier unit "$STORAGE_A" tests/Workflows.Tests/Workflows.Tests.csproj "$@"
if [ "${TEST_TIERS_SERIAL:-}" = 1 ]; then
  run_tier integration "$STORAGE_A" tests/Workflows.IntegrationTests/Workflows.IntegrationTests.csproj "$@"
  run_tier e2e "$STORAGE_B" tests/Workflows.EndToEndTests/Workflows.EndToEndTests.csproj "$@"
else
  run_tier_labelled integration "$STORAGE_A" tests/Workflows.IntegrationTests/Workflows.IntegrationTests.csproj "$@" &
  integration_job=$!
  run_tier_labelled e2e "$STORAGE_B" tests/Workflows.EndToEndTests/Workflows.EndToEndTests.csproj "$@" &
  e2e_job=$!
  wait "$integration_job" "$e2e_job"
fi
status=0
compgen -G "$RESULTS/*.failed" >/dev/null && status=1

# One line of totals over every tier, from the runners' own result files.
passed=0; failed=0; skipped=0
for trx in "$RESULTS"/*.trx; do
  [ -f "$trx" ] || continue
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -1)
  p=$(sed -n 's/.* passed="\([0-9]*\)".*/\1/p' <<<"$counters")
  f=$(sed -n 's/.* failed="\([0-9]*\)".*/\1/p' <<<"$counters")
  n=$(sed -n 's/.* notExecuted="\([0-9]*\)".*/\1/p' <<<"$counters")
  passed=$((passed + ${p:-0})); failed=$((failed + ${f:-0})); skipped=$((skipped + ${n:-0}))
done
if [ "$passed" -eq 0 ]; then
  echo "No test ran." >&2
  status=1
fi
echo
echo "Total: $passed passed, $failed failed, $skipped skipped"
exit $status
