#!/usr/bin/python3
"""End-to-end test of the real app through tauri-driver (WebDriver on 127.0.0.1:4444).
Standard library only.

Opens Vendors, connects Hudu through the generated form against the fake Hudu API
(first with a wrong key, which must save nothing, then the right one), checks the
keychain item with secret-tool, sees the vendor connected, looks at Servers, installs
into Claude Desktop from Clients and finds the entry in the config file, and opens
Settings. A screenshot of every page goes to the output folder.

Then signs in to the fake team gateway on the Team page (the test browser follows
the authorization redirect), sees the account and the team's vendors, and signs out.

Usage: e2e.py <app> <out-dir> <fake-hudu-base> <good-key> <claude-config> <cli> <fake-gateway-base>
"""
import base64
import http.client
import json
import os
import subprocess
import sys
import time
import urllib.request

BASE = "http://127.0.0.1:4444"
APP, OUT, HUDU, GOOD_KEY, CLAUDE_CONFIG, CLI, GATEWAY = sys.argv[1:8]
BAD_KEY = "wrong-key-for-the-e2e-test"


def call(method, path, body=None):
    data = json.dumps(body).encode() if body is not None else None
    for attempt in range(3):
        req = urllib.request.Request(BASE + path, data=data, method=method,
                                     headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(req, timeout=60) as r:
                return json.load(r)["value"]
        except http.client.RemoteDisconnected:
            # tauri-driver reuses a kept-alive connection to WebKitWebDriver, which
            # the latter may have just closed after a pause: the request never got
            # there and tauri-driver drops ours. Sending it again is safe.
            print(f"retrying {method} {path}: tauri-driver dropped the request", file=sys.stderr)
            time.sleep(0.2)
    sys.exit(f"FAIL: {method} {path}: tauri-driver dropped the request three times")


def wait_for_driver():
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            call("GET", "/status")
            return
        except OSError:
            time.sleep(0.1)
    sys.exit("tauri-driver did not come up")


class Page:
    def __init__(self, sid):
        self.sid = sid

    def js(self, script, *args):
        return call("POST", f"/session/{self.sid}/execute/sync",
                    {"script": script, "args": list(args)})

    def wait(self, what, script, *args, timeout=30):
        """Polls `script` until it returns something truthy; fails with a screenshot."""
        deadline = time.monotonic() + timeout
        value = None
        while time.monotonic() < deadline:
            value = self.js(script, *args)
            if value:
                return value
            time.sleep(0.1)
        self.shot("failure")
        alert = self.js("const a = document.querySelector('[role=alert]');"
                        " return a ? a.innerText : null")
        sys.exit(f"FAIL: timed out waiting for {what} (last value {value!r}, alert {alert!r})")

    def element(self, css):
        found = call("POST", f"/session/{self.sid}/element", {"using": "css selector", "value": css})
        return next(iter(found.values()))

    def click(self, css):
        self.wait(f"{css} to be there", "return !!document.querySelector(arguments[0])", css)
        call("POST", f"/session/{self.sid}/element/{self.element(css)}/click", {})

    def type(self, css, text):
        el = self.element(css)
        call("POST", f"/session/{self.sid}/element/{el}/clear", {})
        if text:
            call("POST", f"/session/{self.sid}/element/{el}/value", {"text": text})
        else:
            self.js("arguments[0].dispatchEvent(new Event('input', {bubbles: true}))",
                    {"element-6066-11e4-a52e-4f735466cecf": el})

    def goto(self, page):
        self.click(f"nav [data-page={page}]")
        self.wait(f"the {page} page", "return document.body.dataset.page === arguments[0]", page)

    def shot(self, name):
        time.sleep(1)  # screenshots lag DOM changes (stack.md, pitfall 5)
        png = call("GET", f"/session/{self.sid}/screenshot")
        path = os.path.join(OUT, f"{name}.png")
        with open(path, "wb") as f:
            f.write(base64.b64decode(png))
        print("screenshot:", path)


wait_for_driver()
sid = call("POST", "/session", {"capabilities": {"alwaysMatch": {
    "browserName": "wry", "tauri:options": {"application": APP, "args": ["--window"]}}}})["sessionId"]
p = Page(sid)
try:
    # Vendors: the whole catalog, grouped, nothing connected.
    count = p.wait("the vendor list", "return document.querySelectorAll('li.vendor[data-slug]').length")
    assert count == 30, f"expected 30 vendors, found {count}"
    p.shot("vendors")

    # Search narrows the list.
    p.type("#search", "hudu")
    p.wait("the search to filter", "return document.querySelectorAll('li.vendor[data-slug]').length === 1")
    p.shot("vendors-search")
    p.type("#search", "")
    p.wait("the list to come back", "return document.querySelectorAll('li.vendor[data-slug]').length === 30")

    # Hudu's form, generated from the catalog.
    p.click("li.vendor[data-slug=hudu] button.card")
    p.wait("Hudu's connect form", "return !!document.querySelector('#connect-form[data-slug=hudu]')")
    fields = p.js("return [...document.querySelectorAll('#connect-form [name]')]"
                  ".map(e => [e.name, e.type])")
    assert ["api_key", "password"] in fields, fields
    assert ["base_url", "url"] in fields, fields

    # A wrong key: the vendor says no, in words, and nothing is stored.
    p.type("#field-base_url", HUDU)
    p.type("#field-api_key", BAD_KEY)
    p.click("#connect-submit")
    result = p.wait("the rejected probe",
                    "const r = document.querySelector('#connect-result[data-result]');"
                    " return r && r.dataset.result !== 'pending' ? r.dataset.result : null")
    assert result == "invalid_credentials", result
    text = p.js("return document.querySelector('#connect-result').innerText")
    assert "rejected" in text.lower(), text
    p.shot("vendor-rejected")

    # The right key: saved.
    p.type("#field-api_key", GOOD_KEY)
    p.click("#connect-submit")
    result = p.wait("the accepted probe",
                    "const r = document.querySelector('#connect-result[data-result]');"
                    " return r && !['pending','invalid_credentials'].includes(r.dataset.result)"
                    " ? r.dataset.result : null")
    shown = p.js("return document.querySelector('#connect-result').innerText")
    assert result == "ok", f"{result}: {shown}"
    p.shot("vendor-connected")

    # The keychain has the key, found by libsecret's own tool.
    stored = subprocess.run(["secret-tool", "search", "--all", "username", "api_key"],
                            capture_output=True, text=True)
    assert GOOD_KEY in stored.stdout or GOOD_KEY in stored.stderr, "the key is not in the keychain"

    # Connected: the form offers Hudu's companion plugin; enabling it writes Claude
    # Code's user settings.
    p.wait("the plugin offer", "return !!document.querySelector('#plugin-offer-enable')")
    p.shot("vendor-plugin-offer")
    p.click("#plugin-offer-enable")
    p.wait("the plugin enabled",
           "const r = document.querySelector('#plugin-result');"
           " return r && r.innerText.includes('Enabled hudu@msp-claude-plugins')")
    with open(os.path.join(os.environ["HOME"], ".claude", "settings.json")) as f:
        settings = json.load(f)
    assert settings["enabledPlugins"] == {"hudu@msp-claude-plugins": True}, settings
    assert "msp-claude-plugins" in settings["extraKnownMarketplaces"], settings
    assert p.js("return document.querySelector('#plugin-switch').checked"), "the switch is off"

    # Back on the list: connected.
    p.js("document.dispatchEvent(new KeyboardEvent('keydown', {key: 'Escape', bubbles: true}))")
    p.goto("vendors")
    p.wait("Hudu shown connected",
           "const b = document.querySelector('li.vendor[data-slug=hudu] .badge');"
           " return b && b.innerText.trim() === 'Connected'")

    # Servers: Hudu is there, with its state.
    p.goto("servers")
    p.wait("Hudu on the Servers page",
           "return [...document.querySelectorAll('[data-slug=hudu]')].some(e => e.offsetParent)")
    p.shot("servers")

    # Clients: install into Claude Desktop.
    p.goto("clients")
    p.click("#install-claude-desktop")
    p.wait("the install outcome",
           "return /Installed|Updated|Already installed/.test(document.body.innerText)")
    p.shot("clients")
    with open(CLAUDE_CONFIG) as f:
        config = json.load(f)
    entry = config["mcpServers"]["switchboard"]
    assert entry["command"] == os.path.realpath(CLI), entry
    assert entry["args"] == ["bridge"], entry
    print("Claude Desktop entry:", json.dumps(entry))

    # Team: sign in through the browser, see who is signed in and the team's vendors
    # beside Hudu, then sign out.
    p.goto("team")
    p.wait("the sign-in form", "return !!document.querySelector('#team-sign-in')")
    p.type("#gateway", GATEWAY)
    p.click("#team-sign-in")
    p.wait("the team sign-in",
           "const r = document.querySelector('#team-result');"
           " return r && r.innerText.includes('Signed in as tech@acme-msp.example (Acme MSP)')",
           timeout=60)
    p.wait("the team's vendors",
           "const r = document.querySelector('tr[data-slug=itglue]');"
           " return r && r.innerText.includes('Team gateway')")
    hudu_row = p.js("const r = document.querySelector('tr[data-slug=hudu]'); return r ? r.innerText : ''")
    assert "This computer" in hudu_row, hudu_row
    team = p.js("return document.querySelector('dl.team').innerText")
    assert GATEWAY in team and "Acme MSP" in team, team
    p.shot("team")
    p.click("#team-sign-out")
    p.wait("the sign-out",
           "const r = document.querySelector('#team-result');"
           " return r && r.innerText.includes('Signed out of')")
    assert not os.path.exists(os.path.join(os.environ["SWITCHBOARD_HOME"], "config", "gateway.json"))

    # Settings.
    p.goto("settings")
    p.wait("the settings form", "return !!document.querySelector('form input, form select')")
    p.shot("settings")
    # "Check for updates" from the window: the built-in endpoint is out of reach here
    # (loopback only), which the page must say in words, not crash on.
    p.click("#check-updates")
    p.wait("the update check's answer",
           "const r = document.querySelector('#update-result [role=alert]');"
           " return r && r.innerText.includes('Could not check for updates')", timeout=60)
    p.shot("settings-update-check")
    print("E2E: PASS")
finally:
    try:
        call("DELETE", f"/session/{sid}")
    except OSError:
        pass
