#!/usr/bin/env bash
# Smoke test of the real app under Xvfb, each part in a private D-Bus session:
#  1. WebDriver (tauri-driver + WebKitWebDriver): the window loads ui/, its call to the
#     vendors_list command passes the ACL, and it lists every catalog vendor.
#  2. Tray (a StatusNotifierWatcher stand-in): a window named Switchboard appears, the
#     tray item registers with "Open Switchboard…" and "Quit", and clicking Quit ends
#     the app with status 0.
# Screenshots go to artifacts/app-smoke/ for a person to look at.
#
#   tests/gui/app_smoke.sh <path-to-switchboard-app> [path-to-tauri-driver]
set -euo pipefail
app=$(realpath "$1")
driver=$(realpath "${2:-$(command -v tauri-driver)}")
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
out="$root/artifacts/app-smoke"
rm -rf "$out" && mkdir -p "$out"

display=":$((100 + RANDOM % 400))"
Xvfb "$display" -screen 0 1280x800x24 -nolisten tcp >"$out/xvfb.log" 2>&1 &
xvfb=$!
trap 'kill $xvfb 2>/dev/null || true' EXIT
for _ in $(seq 50); do xdpyinfo -display "$display" >/dev/null 2>&1 && break; sleep 0.1; done

export SWITCHBOARD_HOME="$out/home" DISPLAY="$display"
vendors=$(ls -d "$root"/bundles/*/ | wc -l)

echo "== window: WebDriver"
dbus-run-session -- bash -c '
  set -euo pipefail
  "$1" --port 4444 >"$2/tauri-driver.log" 2>&1 &
  driver=$!
  trap "kill $driver 2>/dev/null || true" EXIT
  /usr/bin/python3 "$3/webdriver_check.py" "$4" "$2/window.png" "$5"
' bash "$driver" "$out" "$here" "$app" "$vendors" 2>>"$out/dbus.log"

echo "== tray: StatusNotifierWatcher stand-in"
dbus-run-session -- bash -c '
  set -euo pipefail
  out=$1 app=$2 here=$3
  /usr/bin/python3 "$here/sni_watcher.py" "$out/tray.json" Quit "$out/watcher.ready" "$out/shot.done" &
  watcher=$!
  while [ ! -e "$out/watcher.ready" ]; do kill -0 $watcher 2>/dev/null || exit 1; sleep 0.05; done
  # Screenshot once the window is mapped, before the watcher clicks Quit.
  ( for _ in $(seq 100); do
      if xwininfo -root -tree 2>/dev/null | grep -q "\"Switchboard\""; then
        # Give the webview time to paint; the screenshot is for people, not assertions.
        xwininfo -root -tree >"$out/windows.txt"; sleep 3; import -window root "$out/tray-desktop.png"; break
      fi; sleep 0.1; done; touch "$out/shot.done" ) &
  shooter=$!
  set +e
  timeout 60 "$app" >"$out/app.log" 2>&1
  echo $? >"$out/app.status"
  wait $shooter $watcher
' bash "$out" "$app" "$here" 2>>"$out/dbus.log"

status=$(cat "$out/app.status")
echo "app exit status: $status"
cat "$out/tray.json"
fail=0
[ "$status" = 0 ] || { echo "FAIL: the app did not exit with 0 after Quit"; fail=1; }
/usr/bin/python3 - "$out/tray.json" <<'PY' || fail=1
import json, sys
r = json.load(open(sys.argv[1]))
menu = [m.replace("_", "") for m in r["menu"]]
assert "Quit" in menu and "Open Switchboard…" in menu, f"menu is {menu}"
assert r["Status"] == "Active", r
assert r.get("clicked"), "Quit was not clicked"
print("tray menu:", menu)
PY
grep -q '"Switchboard"' "$out/windows.txt" || { echo "FAIL: no Switchboard window"; fail=1; }
[ -s "$out/tray-desktop.png" ] && echo "screenshot: $out/tray-desktop.png"
exit $fail
