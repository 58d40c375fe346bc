#!/usr/bin/env bash
# The main job: Azurite with its data kept under .data/, and the local server on it.
#   ./run.sh              the local server on http://127.0.0.1:7071 (the portal at /, API, OpenAPI, reference page) until Ctrl-C,
#                         with the built-in bundles published and the demo users ready
#   ./run.sh token USER   prints a bearer token for a demo user (./run.sh token --list lists them)
#   ./run.sh demo         runs the engine self-check and the newborn bundle end to end, prints what happened
#   ./run.sh system CODE callback|event < body.json
#                         plays an outside system (a bank, a register) against the running server: signs the body
#                         with the system's secret (kept in .data/systems.json) and posts it
# Settings come from workflows/Workflows.Server/appsettings.json and environment variables
# (Storage__ConnectionString, Engine__TaskHubName, Auth__SigningKey, Urls, ...); with Storage__ConnectionString set,
# no Azurite is started.
set -euo pipefail
source "$(dirname "$0")/scripts/common.sh"
cd "$REPO_ROOT"

MODE="${1:-serve}"
case "$MODE" in serve|demo|token|system) ;; *) echo "usage: ./run.sh [serve|demo|token USER|system CODE callback|event]" >&2; exit 2 ;; esac

SERVER_DIR="$REPO_ROOT/workflows/Workflows.Server/bin/Release/net10.0"
SERVER=(dotnet "$SERVER_DIR/Workflows.Server.dll" --contentRoot "$SERVER_DIR")

# The local signing key: made once, kept in .data/ (never committed), shared by the server and the token command.
# A real deployment sets Auth__SigningKey (or Auth__Authority for Entra ID) itself.
if [ -z "${Auth__SigningKey:-}" ]; then
  mkdir -p "$REPO_ROOT/.data"
  KEY_FILE="$REPO_ROOT/.data/signing-key"
  if [ ! -s "$KEY_FILE" ]; then
    (umask 077; head -c 48 /dev/urandom | base64 | tr -d '\n=+/' > "$KEY_FILE")
  fi
  export Auth__SigningKey="$(cat "$KEY_FILE")"
  export Auth__DemoUsers="${Auth__DemoUsers:-true}"
fi

ensure_tools
# Builds only when a source is newer than what was built; the project lines dotnet prints are the progress.
build_server() {
  if needs_build "$SERVER_DIR/Workflows.Server.dll" workflows; then
    log "Building the local server (the first time takes a few minutes; later only what changed)"
    dotnet build workflows/Workflows.Server/Workflows.Server.csproj -c Release -nologo -v minimal
    touch "$SERVER_DIR/Workflows.Server.dll"
  fi
}
build_server

# The outside systems' secrets for local callbacks and register events: made once, kept in .data/ (never committed).
# A real deployment sets Systems__Secrets__{code}__Secret per system instead.
SYSTEMS_FILE="$REPO_ROOT/.data/systems.json"
if [ ! -s "$SYSTEMS_FILE" ]; then
  mkdir -p "$REPO_ROOT/.data"
  (umask 077; "${SERVER[@]}" system --secrets > "$SYSTEMS_FILE.tmp" && mv "$SYSTEMS_FILE.tmp" "$SYSTEMS_FILE")
fi
export LocalSettingsFile="$SYSTEMS_FILE"

if [ "$MODE" = token ] || [ "$MODE" = system ]; then
  shift
  exec "${SERVER[@]}" "$MODE" "$@"
fi

ensure_node_modules
ensure_debian_packages "${CERTIFICATE_FONTS[@]}"
build_server
# The portal as people get it (trimmed, compressed), served by the server at /.
PORTAL_DIR="$REPO_ROOT/portal/Workflows.Portal/bin/Release/net10.0/publish/wwwroot"
if needs_build "$PORTAL_DIR/index.html" portal docs/openapi.json; then
  log "Publishing the portal (the first time takes a few minutes; later only what changed)"
  dotnet publish portal/Workflows.Portal/Workflows.Portal.csproj -c Release -nologo -v minimal
  touch "$PORTAL_DIR/index.html"
fi
export Portal__Root="$PORTAL_DIR"

cleanup() { stop_azurite; }
trap cleanup EXIT INT TERM
if [ -z "${Storage__ConnectionString:-}" ]; then
  log "Starting Azurite (data in .data/azurite, kept across runs)"
  start_azurite "$REPO_ROOT/.data/azurite" "${AZURITE_BLOB_PORT:-10000}" "${AZURITE_QUEUE_PORT:-10001}" "${AZURITE_TABLE_PORT:-10002}"
  export Storage__ConnectionString="$AZURITE_CONNECTION_STRING"
fi

if [ "$MODE" = demo ]; then
  "${SERVER[@]}" demo
  exit $?
fi

URL="${Urls:-http://127.0.0.1:7071}"
cat <<INFO
==> Local server on $URL until Ctrl-C (it stops Azurite too)
    Portal         $URL/             (sign in as a demo user below)
    API            $URL/api          (bearer token required)
    OpenAPI        $URL/openapi/v1.json
    Reference      $URL/scalar
    Health         $URL/healthz
    Demo users     ./run.sh token --list
    A token        TOKEN=\$(./run.sh token citizen-wang)
                   curl -H "Authorization: Bearer \$TOKEN" $URL/api/bundles
    A bank answer  ./run.sh system bank-account-system callback < callback.json
INFO
if [ "${Auth__DemoUsers:-}" = true ]; then
  echo "    Demo users (sign in as any of them on the portal's sign-in page):"
  "${SERVER[@]}" token --list | sed 's/^/      /'
fi
# Not exec: the trap must stop Azurite after the server exits.
"${SERVER[@]}" &
SERVER_PID=$!
trap 'kill -TERM "$SERVER_PID" 2>/dev/null; wait "$SERVER_PID" 2>/dev/null; cleanup' INT TERM
wait "$SERVER_PID"
