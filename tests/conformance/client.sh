#!/usr/bin/env bash
# Our MCP client under the official conformance suite's client mode: signs in with
# `switchboard login` against the harness's URL (its last argument), then lists the
# tools and calls one with `switchboard team tools` / `team call`, the same client code
# the daemon uses. Each run gets a fresh SWITCHBOARD_HOME; the browser is our test
# browser, which follows the harness's authorization redirect to our loopback page.
#
# A pre-registered client comes from MCP_CONFORMANCE_CONTEXT (client_id and
# client_secret), given to `login --client-id … --client-secret-stdin`.
#
# Needs a Secret Service (run under scripts/with-test-keyring) and the binaries built:
# SWITCHBOARD_BIN (default target/debug/switchboard) and FAKE_BROWSER (default
# target/debug/fake-browser).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
url=${!#}
sb=${SWITCHBOARD_BIN:-$root/target/debug/switchboard}
export BROWSER=${FAKE_BROWSER:-$root/target/debug/fake-browser}
home=$(mktemp -d -t sb-conformance-XXXXXX)
trap 'rm -rf "$home"' EXIT
export SWITCHBOARD_HOME=$home NO_PROXY=127.0.0.1,localhost no_proxy=127.0.0.1,localhost
unset SWITCHBOARD_LOG

# The context's fields, one per line: client_id, client_secret (empty when absent).
context=$(python3 - <<'PY'
import json, os
ctx = json.loads(os.environ.get("MCP_CONFORMANCE_CONTEXT") or "{}")
print(ctx.get("client_id") or "")
print(ctx.get("client_secret") or "")
PY
)
client_id=$(sed -n 1p <<<"$context")
client_secret=$(sed -n 2p <<<"$context")

login=(login --gateway "$url" --wait 20)
if [ -n "$client_id" ] && [ -n "$client_secret" ]; then
  printf '%s' "$client_secret" | "$sb" "${login[@]}" --client-id "$client_id" --client-secret-stdin
elif [ -n "$client_id" ]; then
  "$sb" "${login[@]}" --client-id "$client_id" </dev/null
else
  "$sb" "${login[@]}" </dev/null
fi

if ! tools=$("$sb" team tools --json); then
  printf '%s\n' "$tools" >&2
  exit 1
fi
# Call `add_numbers` when the server has it (the tools_call scenario), else the first tool.
read -r name args < <(python3 -c '
import json, sys
tools = json.loads(sys.argv[1])
names = [t["name"] for t in tools]
if "add_numbers" in names:
    print("add_numbers", json.dumps({"a": 2, "b": 3}))
elif names:
    print(names[0], "{}")
' "$tools") || true
if [ -n "${name:-}" ]; then
  "$sb" team call "$name" --args "$args"
fi
