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

# A private emulator: free ports, its own folder, stopped and removed on exit whatever happens.
WORK_DIR="$(mktemp -d -t workflows-test-XXXXXX)"
cleanup() { stop_azurite; rm -rf "$WORK_DIR"; }
trap cleanup EXIT INT TERM
log "Starting a private Azurite"
start_azurite "$WORK_DIR/azurite" "$(free_port)" "$(free_port)" "$(free_port)"
export WORKFLOWS_TEST_STORAGE="$AZURITE_CONNECTION_STRING"

RESULTS="$WORK_DIR/results"
status=0
run_tier() {
  local name=$1 project=$2
  shift 2
  log "Tests: $name"
  if ! dotnet test "$project" -c "$CONFIGURATION" --no-build -nologo \
      --logger "console;verbosity=minimal" --logger "trx;LogFilePrefix=$name" --results-directory "$RESULTS" "$@"; then
    status=1
  fi
}

run_tier unit tests/Workflows.Tests/Workflows.Tests.csproj "$@"
run_tier integration tests/Workflows.IntegrationTests/Workflows.IntegrationTests.csproj "$@"
run_tier e2e tests/Workflows.EndToEndTests/Workflows.EndToEndTests.csproj "$@"

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
