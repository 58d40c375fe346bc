#!/usr/bin/env bash
# Writes the portal's wwwroot/appsettings.json, which the page reads at start: where the API is and which OpenID
# authority signs people in. `azure` (azd's prepackage hook of the portal service) fills it from the azd environment
# (SERVICE_API_URI, AUTH_AUTHORITY, AUTH_CLIENT_ID or PORTAL_CLIENT_ID, AUTH_SCOPE); `local` (its postdeploy hook)
# puts back the committed defaults: the API at the page's own origin and the demo users' sign-in.
# Usage: scripts/portal-settings.sh azure|local
set -euo pipefail
cd "$(dirname "$0")/.."
file=portal/Workflows.Portal/wwwroot/appsettings.json
json() { python3 -c 'import json,sys; print(json.dumps(sys.argv[1]))' "$1"; }
case "${1:-}" in
  azure)
    : "${SERVICE_API_URI:?run by azd after provisioning: SERVICE_API_URI is the URL of the Functions app}"
    : "${AUTH_AUTHORITY:?run by azd after provisioning: AUTH_AUTHORITY is the Entra ID issuer}"
    client="${PORTAL_CLIENT_ID:-${AUTH_CLIENT_ID:?AUTH_CLIENT_ID is required}}"
    # The API's scope the portal asks for; the API's registration exposes it (infra/README.md).
    scope="${AUTH_SCOPE:-api://${AUTH_CLIENT_ID}/access}"
    api="$(json "$SERVICE_API_URI/")" authority="$(json "$AUTH_AUTHORITY")" client="$(json "$client")" scope="$(json "$scope")"
    ;;
  local)
    api='""' authority='""' client='""' scope='""'
    ;;
  *)
    echo "Usage: $0 azure|local" >&2
    exit 2
    ;;
esac
cat >"$file" <<JSON
{
  "Api": {
    "BaseAddress": $api
  },
  "Auth": {
    "Authority": $authority,
    "ClientId": $client,
    "Scope": $scope
  }
}
JSON
echo "wrote $file ($1)" >&2
