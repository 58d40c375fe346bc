#!/usr/bin/env bash
# The main job: Azurite with its data kept under .data/, and the engine on it.
#   ./run.sh          runs the engine self-check end to end and prints what happened
#   ./run.sh serve    starts the local server on 127.0.0.1:7071 until Ctrl-C
# Settings come from workflows/Workflows.Server/appsettings.json and environment variables
# (Storage__ConnectionString, Engine__TaskHubName, ...); with Storage__ConnectionString set, no Azurite is started.
set -euo pipefail
source "$(dirname "$0")/scripts/common.sh"
cd "$REPO_ROOT"

MODE="${1:-demo}"
case "$MODE" in demo|serve) ;; *) echo "usage: ./run.sh [demo|serve]" >&2; exit 2 ;; esac

ensure_tools
ensure_node_modules
log "Building the local server"
dotnet build workflows/Workflows.Server/Workflows.Server.csproj -c Release -nologo -clp:ErrorsOnly -v quiet

cleanup() { stop_azurite; }
trap cleanup EXIT INT TERM
if [ -z "${Storage__ConnectionString:-}" ]; then
  log "Starting Azurite (data in .data/azurite, kept across runs)"
  start_azurite "$REPO_ROOT/.data/azurite" "${AZURITE_BLOB_PORT:-10000}" "${AZURITE_QUEUE_PORT:-10001}" "${AZURITE_TABLE_PORT:-10002}"
  export Storage__ConnectionString="$AZURITE_CONNECTION_STRING"
fi

SERVER_DIR="$REPO_ROOT/workflows/Workflows.Server/bin/Release/net10.0"
SERVER=(dotnet "$SERVER_DIR/Workflows.Server.dll" --contentRoot "$SERVER_DIR")
if [ "$MODE" = demo ]; then
  "${SERVER[@]}" demo
else
  log "Local server on http://127.0.0.1:7071 (health: /healthz). Ctrl-C stops it and Azurite."
  # Not exec: the trap must stop Azurite after the server exits.
  "${SERVER[@]}" &
  SERVER_PID=$!
  trap 'kill -TERM "$SERVER_PID" 2>/dev/null; wait "$SERVER_PID" 2>/dev/null; cleanup' INT TERM
  wait "$SERVER_PID"
fi
