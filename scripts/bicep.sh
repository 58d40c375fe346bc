#!/usr/bin/env bash
# Builds and lints every Bicep file under infra/ with the Bicep CLI pinned in infra/tools/Bicep.proj (restored from
# NuGet, so no download outside the package feed). Any diagnostic fails it, a warning included.
# Usage: scripts/bicep.sh
set -euo pipefail
source "$(dirname "$0")/common.sh"
cd "$REPO_ROOT"
ensure_tools

PROJ=infra/tools/Bicep.proj
PACKAGE=Azure.Bicep.CommandLine.linux-x64
if [ "$(uname -sm)" != "Linux x86_64" ]; then
  echo "scripts/bicep.sh uses $PACKAGE and runs on Linux x86_64 only." >&2
  exit 1
fi
version=$(sed -n "s/.*Include=\"$PACKAGE\" Version=\"\[\([^]]*\)\]\".*/\1/p" "$PROJ")
dotnet restore "$PROJ" -nologo -v quiet
packages=$(dotnet nuget locals global-packages --list | sed -n 's/^global-packages: *//p')
BICEP="${packages%/}/$(tr '[:upper:]' '[:lower:]' <<<"$PACKAGE")/$version/tools/bicep"
if [ ! -f "$BICEP" ]; then
  echo "The Bicep CLI is not at $BICEP after restoring $PROJ." >&2
  exit 1
fi
# NuGet does not keep the executable bit on every file it extracts.
chmod +x "$BICEP"

files=$(find infra -name '*.bicep' | sort)
if [ -z "$files" ]; then
  echo "No .bicep file under infra/." >&2
  exit 1
fi
echo "Bicep CLI $version: $(tr '\n' ' ' <<<"$files")" >&2

out_dir=$(mktemp -d)
trap 'rm -rf "$out_dir"' EXIT
status=0
# The CLI exits 0 on warnings (only errors, including rules raised to error in infra/bicepconfig.json, fail it), so
# anything it prints counts as a failure.
check() {
  local output
  if ! output=$("$BICEP" "$@" 2>&1) || [ -n "$output" ]; then
    printf '%s\n' "$output" >&2
    status=1
  fi
}
check build --pattern 'infra/**/*.bicep' --outdir "$out_dir"
check lint --pattern 'infra/**/*.bicep'
if [ "$status" -ne 0 ]; then
  echo "Bicep: diagnostics above." >&2
else
  echo "Bicep: built and linted, no diagnostics." >&2
fi
exit $status
