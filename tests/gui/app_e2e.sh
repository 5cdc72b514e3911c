#!/usr/bin/env bash
# End-to-end tests of the real app under Xvfb, each part in a private D-Bus session
# with its own gnome-keyring, and a throwaway HOME:
#  1. WebDriver (tauri-driver + WebKitWebDriver), tests/gui/e2e.py: connect Hudu
#     through the form against the fake Hudu API, see it connected, install into
#     Claude Desktop, find the entry in the config file; sign in to the fake team
#     gateway on the Team page and out again; a screenshot of every page.
#  2. Tray and notifications (tests/gui/sni_watcher.py stands in for the desktop's
#     tray host and notification service): the launcher becomes the tray, which opens
#     the window in a process of its own; the menu lists every vendor and the app's
#     items; a custom server that crashes at once opens its circuit breaker and a
#     notification says so; the tray maps no WebKit, GTK or GL library
#     (/proc/<pid>/maps); a second launch hands over to the tray and leaves one window;
#     closing the window ends the window's process; clicking Quit
#     ends the tray with status 0.
#  3. A leak scan: the vendor key and every secret the fake gateway issued appear in no
#     file under the temp home and in no log.
# Screenshots and logs go to artifacts/app-e2e/ for a person to look at.
#
#   tests/gui/app_e2e.sh <switchboard-app> <tauri-driver> <switchboard> <fake-vendor> \
#     <fake-gateway> <fake-browser>
set -euo pipefail
app=$(realpath "$1")
driver=$(realpath "$2")
cli=$(realpath "$3")
fake=$(realpath "$4")
fake_gateway=$(realpath "$5")
browser=$(realpath "$6")
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
out="$root/artifacts/app-e2e"
rm -rf "$out" && mkdir -p "$out"
tmp=$(mktemp -d /tmp/sb-e2e.XXXXXX)

display=":$((100 + RANDOM % 400))"
Xvfb "$display" -screen 0 1280x800x24 -nolisten tcp >"$out/xvfb.log" 2>&1 &
xvfb=$!
fake_pid= gateway_pid=
# The fake gateway's list of what it issued lives outside everything the leak scan reads.
secrets_dir=$(mktemp -d /tmp/sb-e2e-secrets.XXXXXX)
cleanup() {
  "$cli" daemon stop >/dev/null 2>&1 || true
  [ -n "$fake_pid" ] && kill "$fake_pid" 2>/dev/null || true
  [ -n "$gateway_pid" ] && kill "$gateway_pid" 2>/dev/null || true
  rm -rf "$secrets_dir"
  kill $xvfb 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT
for _ in $(seq 50); do xdpyinfo -display "$display" >/dev/null 2>&1 && break; sleep 0.1; done

# A throwaway user: the app, the keyring and Claude's config all live under $tmp.
export HOME="$tmp/user" SWITCHBOARD_HOME="$tmp/switchboard" SWITCHBOARD_CLI="$cli"
export DISPLAY="$display" SWITCHBOARD_LOG="info"
unset XDG_CONFIG_HOME XDG_DATA_HOME XDG_CACHE_HOME XDG_STATE_HOME
mkdir -p "$HOME"
claude_config="$HOME/.config/Claude/claude_desktop_config.json"

good_key="e2e-hudu-key-$RANDOM$RANDOM$RANDOM"
coproc FAKE { "$fake" hudu "api_key=$good_key" 2>"$out/fake-vendor.log"; }
fake_pid=$FAKE_PID
read -r hudu <&"${FAKE[0]}"
echo "fake Hudu API at $hudu"
coproc GATEWAY { "$fake_gateway" "$secrets_dir/issued" 2>"$out/fake-gateway.log"; }
gateway_pid=$GATEWAY_PID
read -r gateway <&"${GATEWAY[0]}"
echo "fake team gateway at $gateway"
# The "browser" the app opens for a sign-in follows the gateway's redirect back.
export BROWSER="$browser"

# Starts an unlocked gnome-keyring in the current D-Bus session.
keyring='printf switchboard-e2e | gnome-keyring-daemon --unlock --components=secrets --daemonize >/dev/null
  gdbus wait --session --timeout 10 org.freedesktop.secrets'

# WebKitWebDriver starts the app; this wrapper keeps the app's own stderr.
cat >"$tmp/app-under-webdriver" <<WRAP
#!/bin/sh
exec "$app" "\$@" 2>>"$out/app-webdriver.log"
WRAP
chmod +x "$tmp/app-under-webdriver"
cat >"$tmp/webkit-webdriver" <<WRAP
#!/bin/sh
/usr/bin/WebKitWebDriver "\$@" 2>>"$out/webkit-webdriver.log"
echo "WebKitWebDriver exited with status \$?" >>"$out/webkit-webdriver.log"
WRAP
chmod +x "$tmp/webkit-webdriver"

echo "== window: WebDriver end to end"
dbus-run-session -- bash -c "
  set -euo pipefail
  $keyring
  \"\$1\" --port 4444 --native-driver \"\$9\" >\"\$2/tauri-driver.log\" 2>&1 &
  driver=\$!
  trap 'kill \$driver 2>/dev/null || true; \"\$6\" daemon stop >/dev/null 2>&1 || true' EXIT
  /usr/bin/python3 \"\$3/e2e.py\" \"\$4\" \"\$2\" \"\$5\" \"\$7\" \"\$8\" \"\$6\" \"\${10}\"
" bash "$driver" "$out" "$here" "$tmp/app-under-webdriver" "$hudu" "$cli" "$good_key" "$claude_config" "$tmp/webkit-webdriver" "$gateway" 2>>"$out/dbus.log"

echo "== tray: StatusNotifierWatcher and notification service stand-ins"
# A custom server that dies at once, with a short fuse, to open a circuit breaker.
mkdir -p "$SWITCHBOARD_HOME/config"
cat >>"$SWITCHBOARD_HOME/config/config.toml" <<'TOML'

[supervisor]
crash_limit = 2
backoff_initial_ms = 50
TOML
dbus-run-session -- bash -c "
  set -euo pipefail
  $keyring
  out=\$1 app=\$2 here=\$3 cli=\$4 tray_program=\$(dirname \"\$2\")/switchboard-tray
  \"\$cli\" servers add crasher -- sh -c 'echo the crasher gives up >&2; exit 3' >/dev/null
  /usr/bin/python3 \"\$here/sni_watcher.py\" --report \"\$out/tray.json\" --click Quit \
    --ready \"\$out/watcher.ready\" --go \"\$out/shot.done\" --min-vendors 11 \
    --expect-notification 'crasher stopped' &
  watcher=\$!
  while [ ! -e \"\$out/watcher.ready\" ]; do kill -0 \$watcher 2>/dev/null || exit 1; sleep 0.05; done
  # Once the window is up: a screenshot, then a client asks for the crasher's tools,
  # which starts it (and it keeps dying).
  ( for _ in \$(seq 150); do
      if xwininfo -root -tree 2>/dev/null | grep -q '\"Switchboard\"'; then
        xwininfo -root -tree >\"\$out/windows.txt\"; sleep 3; import -window root \"\$out/tray-desktop.png\"; break
      fi; sleep 0.1; done
    ( printf '%s\n' '{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":\"2025-06-18\",\"capabilities\":{},\"clientInfo\":{\"name\":\"e2e\",\"version\":\"1\"}}}' \
        '{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}'
      for id in 2 3 4; do
        sleep 1
        printf '%s\n' '{\"jsonrpc\":\"2.0\",\"id\":'\$id',\"method\":\"tools/call\",\"params\":{\"name\":\"crasher__anything\",\"arguments\":{}}}'
      done
      sleep 2 ) | timeout 20 \"\$cli\" bridge --vendor crasher >\"\$out/bridge.out\" 2>\"\$out/bridge.err\" || true
    # Two processes: the tray (the launcher became it) and the window it opened.
    tray=\$(pgrep -f \"^\$tray_program\\\$\" | head -1 || true)
    window=\$(pgrep -f \"^\$app --window\" | head -1 || true)
    echo \"tray=\$tray window=\$window\" >\"\$out/processes.txt\"
    grep -E 'lib(webkit2gtk|javascriptcore|gtk-3|gdk-3|EGL|GLX|GL)[.-]' /proc/\$tray/maps >\"\$out/tray-forbidden-maps.txt\" || true
    grep -c . /proc/\$tray/maps >\"\$out/tray-maps.count\" || true
    grep -cE 'libwebkit2gtk' /proc/\$window/maps >\"\$out/window-webkit.count\" || true
    # A second launch while all this runs: it hands over to the tray and ends; the
    # tray asks for the window, which is already open, so it stays one window.
    timeout 20 \"\$app\" >>\"\$out/second-launch.log\" 2>&1; echo \$? >\"\$out/second-launch.status\"
    sleep 3
    pgrep -fc \"^\$app --window\" >\"\$out/windows-after-second-launch.txt\" || true
    # Close the window as a window manager does: its process must end.
    /usr/bin/python3 \"\$here/close_window.py\" Switchboard >>\"\$out/close.log\" 2>&1 || true
    for _ in \$(seq 100); do kill -0 \$window 2>/dev/null || break; sleep 0.1; done
    if kill -0 \$window 2>/dev/null; then echo alive; else echo gone; fi >\"\$out/window-after-close.txt\"
    touch \"\$out/shot.done\" ) &
  shooter=\$!
  set +e
  timeout 120 \"\$app\" >\"\$out/app.log\" 2>&1
  echo \$? >\"\$out/app.status\"
  wait \$shooter \$watcher
  \"\$cli\" daemon stop >/dev/null 2>&1 || true
" bash "$out" "$app" "$here" "$cli" 2>>"$out/dbus.log"

status=$(cat "$out/app.status")
echo "app exit status after Quit: $status"
fail=0
[ "$status" = 0 ] || { echo "FAIL: the app did not exit with 0 after Quit"; fail=1; }
/usr/bin/python3 - "$out/tray.json" <<'PY' || fail=1
import json, sys
r = json.load(open(sys.argv[1]))
menu = [m.replace("_", "") for m in r["menu"]]
print("tray menu:", menu)
print("notifications:", r["notifications"])
vendors = [m for m in menu if " — " in m]
assert len(vendors) >= 31, f"expected every vendor in the menu: {vendors}"
assert any(m.startswith("Hudu — connected") for m in vendors), vendors
assert any(m.startswith("crasher — failed") for m in vendors), vendors
for item in ("Sign in to team…", "Installed in Claude Desktop", "Open Switchboard…", "Start at login",
             "Check for updates", "Quit", "Test", "Restart", "Disconnect…", "Connect…"):
    assert item in menu, f"{item!r} missing from {menu}"
assert any(m.startswith("⚠ Failed: crasher") for m in menu), menu
assert r["Status"] == "Active", r
assert r["clicked"], "Quit was not clicked"
n = [x for x in r["notifications"] if x["summary"] == "crasher stopped"]
assert n and "kept crashing" in n[0]["body"], r["notifications"]
PY
grep -q '"Switchboard"' "$out/windows.txt" || { echo "FAIL: no Switchboard window"; fail=1; }
echo "processes: $(cat "$out/processes.txt")"
maps=$(cat "$out/tray-maps.count" 2>/dev/null || true)
if [ -s "$out/tray-forbidden-maps.txt" ] || [ "${maps:-0}" -lt 10 ]; then
  echo "FAIL: the tray process maps a web engine, GTK or GL library (or its maps were not read):"
  head -5 "$out/tray-forbidden-maps.txt"; fail=1
else
  echo "the tray process maps no WebKit, JavaScriptCore, GTK or GL library ($(cat "$out/tray-maps.count") mappings read)"
fi
webkit=$(cat "$out/window-webkit.count" 2>/dev/null || true)
[ "${webkit:-0}" -gt 0 ] \
  || { echo "FAIL: the window process does not map WebKit (was the right process found?)"; fail=1; }
if [ "$(cat "$out/second-launch.status")" = 0 ] && [ "$(cat "$out/windows-after-second-launch.txt")" = 1 ]; then
  echo "a second launch handed over to the running tray and ended; still one window process"
else
  echo "FAIL: second launch exit $(cat "$out/second-launch.status"), window processes after it: $(cat "$out/windows-after-second-launch.txt")"; fail=1
fi
if grep -qx gone "$out/window-after-close.txt"; then
  echo "the window process ended when its window closed; the tray lived on"
else
  echo "FAIL: the window process is still running after its window closed"; fail=1
fi

echo "== leak scan"
if grep -rl --binary-files=text -- "$good_key" "$tmp" "$out" 2>/dev/null; then
  echo "FAIL: the vendor key was found in the files above"; fail=1
else
  echo "the key appears in no file under the temp home and in no log"
fi
# The fake gateway writes what it issued when its stdin closes.
exec {GATEWAY[1]}>&-
wait "$gateway_pid" 2>/dev/null || true
gateway_pid=
issued=$(grep -c . "$secrets_dir/issued" || true)
if [ "${issued:-0}" -lt 3 ]; then
  echo "FAIL: the fake gateway issued $issued secrets; the sign-in did not happen"; fail=1
elif grep -rlF --binary-files=text -f "$secrets_dir/issued" "$tmp" "$out" 2>/dev/null; then
  echo "FAIL: a token, code or client secret from the gateway was found in the files above"; fail=1
else
  echo "none of the $issued tokens, codes and client secrets the gateway issued appears in a file or log"
fi
ls "$out"/*.png
exit $fail
