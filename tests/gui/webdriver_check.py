#!/usr/bin/python3
"""Drives the real app through tauri-driver (WebDriver on 127.0.0.1:4444), stdlib only.

Checks that the settings window loads ui/, calls the vendors_list command, and lists
every catalog vendor; then saves a screenshot for people to look at.

Usage: webdriver_check.py <app-binary> <screenshot.png> <expected-vendor-count>
"""
import base64
import json
import sys
import time
import urllib.request

BASE = "http://127.0.0.1:4444"
APP, SHOT, EXPECTED = sys.argv[1], sys.argv[2], int(sys.argv[3])


def call(method, path, body=None):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(BASE + path, data=data, method=method,
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=60) as r:
        return json.load(r)["value"]


def js(sid, script):
    return call("POST", f"/session/{sid}/execute/sync", {"script": script, "args": []})


def wait_for_driver():
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            call("GET", "/status")
            return
        except OSError:
            time.sleep(0.1)
    sys.exit("tauri-driver did not come up")


wait_for_driver()
sid = call("POST", "/session", {"capabilities": {"alwaysMatch": {
    "browserName": "wry", "tauri:options": {"application": APP}}}})["sessionId"]
try:
    # Wait for the DOM to change, not for time: the list renders when the command answers.
    deadline = time.monotonic() + 30
    state = None
    while time.monotonic() < deadline:
        state = js(sid, "return {vendors: document.querySelectorAll('.vendor').length,"
                        " error: (document.querySelector('[role=alert]') || {}).innerText || null,"
                        " title: document.title}")
        if state["vendors"] or state["error"]:
            break
        time.sleep(0.1)
    print("page:", state)
    assert state["error"] is None, f"the page shows an error: {state['error']}"
    assert state["vendors"] == EXPECTED, f"expected {EXPECTED} vendors, found {state['vendors']}"
    # Search narrows the list.
    js(sid, "const s = document.querySelector('#search'); s.value = 'glue';"
            " s.dispatchEvent(new Event('input'));")
    shown = js(sid, "return Array.from(document.querySelectorAll('.vendor .name')).map(e => e.innerText)")
    assert shown == ["IT Glue"], shown
    js(sid, "const s = document.querySelector('#search'); s.value = '';"
            " s.dispatchEvent(new Event('input'));")
    time.sleep(1)  # let the compositor paint before the screenshot (stack.md, pitfall 5)
    png = call("GET", f"/session/{sid}/screenshot")
    with open(SHOT, "wb") as f:
        f.write(base64.b64decode(png))
    print("screenshot:", SHOT)
finally:
    call("DELETE", f"/session/{sid}")
