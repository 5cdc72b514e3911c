#!/usr/bin/python3
"""The window's half of the update test: through tauri-driver (WebDriver on
127.0.0.1:4444) the installed app opens Settings, "Check for updates" finds N+1 and
shows its release notes, and "Install Switchboard N+1" is clicked. The app then
installs and restarts, which ends the WebDriver session; the caller checks what is
installed and which version runs. Standard library only.

Usage: window_update.py <app> <out-dir> <N+1> <words expected in the notes>
"""
import base64
import http.client
import json
import os
import sys
import time
import urllib.request

BASE = "http://127.0.0.1:4444"
APP, OUT, NEXT, NOTES = sys.argv[1:5]


def call(method, path, body=None, timeout=60):
    data = json.dumps(body).encode() if body is not None else None
    for _ in range(3):
        req = urllib.request.Request(BASE + path, data=data, method=method,
                                     headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(req, timeout=timeout) as r:
                return json.load(r)["value"]
        except http.client.RemoteDisconnected:
            # tauri-driver reuses a kept-alive connection to WebKitWebDriver that the
            # latter may just have closed; the request never arrived (as in e2e.py).
            time.sleep(0.2)
    raise http.client.RemoteDisconnected(f"{method} {path}: dropped three times")


deadline = time.monotonic() + 30
while True:
    try:
        call("GET", "/status")
        break
    except OSError:
        if time.monotonic() > deadline:
            sys.exit("FAIL: tauri-driver did not come up")
        time.sleep(0.1)

sid = call("POST", "/session", {"capabilities": {"alwaysMatch": {
    "browserName": "wry", "tauri:options": {"application": APP, "args": ["--window"]}}}})["sessionId"]


def js(script, *args):
    return call("POST", f"/session/{sid}/execute/sync", {"script": script, "args": list(args)})


def wait(what, script, *args, timeout=60):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        value = js(script, *args)
        if value:
            return value
        time.sleep(0.1)
    shot("failure")
    sys.exit(f"FAIL: timed out waiting for {what}")


def click(css):
    wait(f"{css} to be there", "return !!document.querySelector(arguments[0])", css)
    found = call("POST", f"/session/{sid}/element", {"using": "css selector", "value": css})
    call("POST", f"/session/{sid}/element/{next(iter(found.values()))}/click", {})


def shot(name):
    time.sleep(1)
    png = call("GET", f"/session/{sid}/screenshot")
    with open(os.path.join(OUT, f"{name}.png"), "wb") as f:
        f.write(base64.b64decode(png))


click("nav [data-page=settings]")
wait("the Settings page", "return document.body.dataset.page === 'settings'")
click("#check-updates")
found = wait("the update found", "const b = document.querySelector('#install-update');"
             " return b ? document.querySelector('#update-result').innerText : null")
print("the window says:", " ".join(found.split()))
assert f"Version {NEXT} is available" in found, found
assert NOTES in found, f"the release notes are not shown: {found}"
shot("window-update-found")
click("#install-update")
# The app downloads, verifies, installs and restarts; the session ends with it.
try:
    wait("the app to go", "return false", timeout=60)
except (OSError, json.JSONDecodeError, urllib.error.URLError):
    pass
except SystemExit:
    sys.exit("FAIL: the app was still there a minute after Install")
print("the app went away after Install (restarting into the new version)")
