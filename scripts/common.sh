#!/usr/bin/env bash
# Shared by run.sh and test.sh: install what the repo needs, and start or stop Azurite.
# Sourced, not run. Every function is safe to call again.

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

# The .NET SDK (pinned in global.json) and Node.js (for Azurite) must be on the machine; on Debian we
# can install Node.js ourselves, the SDK we can only point at.
ensure_tools() {
  if ! command -v dotnet >/dev/null 2>&1; then
    echo "The .NET SDK $(sed -n 's/.*"version": *"\([^"]*\)".*/\1/p' "$REPO_ROOT/global.json") is required (see global.json)." >&2
    exit 1
  fi
  if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
    if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
      log "Installing Node.js and npm (for Azurite)"
      apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null
    else
      echo "Node.js 20+ and npm are required for Azurite." >&2
      exit 1
    fi
  fi
  export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
}

# Debian packages the project uses, pinned like its other tools: the certificates' fonts (PDFs embed them) and the
# browser the Chromium test drives. ensure_debian_packages NAME=VERSION...: installs those not at that version.
CERTIFICATE_FONTS=(fonts-droid-fallback=1:6.0.1r16-1.1 fonts-dejavu-core=2.37-6)
TEST_BROWSER=(chromium=156.0.8078.114-1~deb12u1)
ensure_debian_packages() {
  local missing=() spec
  for spec in "$@"; do
    if [ "$(dpkg-query -W -f='${Version}' "${spec%%=*}" 2>/dev/null)" != "${spec#*=}" ]; then
      missing+=("$spec")
    fi
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
    log "Installing ${missing[*]}"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --allow-downgrades "${missing[@]}" >/dev/null
  else
    echo "These Debian packages are required: ${missing[*]} (apt-get install them as root)." >&2
    exit 1
  fi
}

# Azurite, pinned in package-lock.json.
ensure_node_modules() {
  local stamp="$REPO_ROOT/node_modules/.package-lock.json"
  if [ ! -f "$stamp" ] || [ "$REPO_ROOT/package-lock.json" -nt "$stamp" ]; then
    log "Installing Azurite (npm ci)"
    (cd "$REPO_ROOT" && npm ci --no-audit --no-fund --loglevel=error)
  fi
}

# needs_build OUTPUT DIR...: true when OUTPUT is missing or a source file under the DIRs (or the build settings) is newer.
needs_build() {
  local output=$1
  shift
  [ -f "$output" ] || return 0
  [ -n "$(cd "$REPO_ROOT" && find "$@" Directory.Build.props Directory.Packages.props global.json -newer "$output" -type f \
      \( -name '*.cs' -o -name '*.csproj' -o -name '*.razor' -o -name '*.resx' -o -name '*.json' -o -name '*.css' -o -name '*.js' \
         -o -name '*.html' -o -name '*.props' \) -not -path '*/bin/*' -not -path '*/obj/*' -print -quit 2>/dev/null)" ]
}

free_port() {
  node -e "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"
}

wait_for_port() {
  local port=$1 tries=0
  until (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do
    tries=$((tries + 1))
    if [ "$tries" -gt 300 ]; then echo "Azurite did not listen on port $port" >&2; return 1; fi
    sleep 0.1
  done
}

# start_azurite DATA_DIR BLOB_PORT QUEUE_PORT TABLE_PORT: starts Azurite in the background, sets AZURITE_PID
# and AZURITE_CONNECTION_STRING, and waits until all three services listen.
start_azurite() {
  local data=$1 blob=$2 queue=$3 table=$4
  mkdir -p "$data"
  node "$REPO_ROOT/node_modules/azurite/dist/src/azurite.js" \
    --silent --skipApiVersionCheck --loose --disableProductStyleUrl \
    --blobHost 127.0.0.1 --queueHost 127.0.0.1 --tableHost 127.0.0.1 \
    --blobPort "$blob" --queuePort "$queue" --tablePort "$table" \
    --location "$data" >"$data/azurite.out" 2>&1 &
  AZURITE_PID=$!
  wait_for_port "$blob" && wait_for_port "$queue" && wait_for_port "$table"
  local key="Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="
  AZURITE_CONNECTION_STRING="DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=$key;BlobEndpoint=http://127.0.0.1:$blob/devstoreaccount1;QueueEndpoint=http://127.0.0.1:$queue/devstoreaccount1;TableEndpoint=http://127.0.0.1:$table/devstoreaccount1;"
}

# SIGTERM lets Azurite save its data; it sometimes waits on a closed client for ever, so after 10 s it is killed.
stop_azurite() {
  if [ -n "${AZURITE_PID:-}" ] && kill -0 "$AZURITE_PID" 2>/dev/null; then
    kill "$AZURITE_PID" 2>/dev/null || true
    for _ in $(seq 1 100); do
      kill -0 "$AZURITE_PID" 2>/dev/null || break
      sleep 0.1
    done
    kill -KILL "$AZURITE_PID" 2>/dev/null || true
    wait "$AZURITE_PID" 2>/dev/null || true
  fi
  AZURITE_PID=""
}
