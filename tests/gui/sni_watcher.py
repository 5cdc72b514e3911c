#!/usr/bin/python3
"""A desktop's tray host and notification service, stood in for headless tests.

Owns org.kde.StatusNotifierWatcher and org.freedesktop.Notifications on the session
bus. When the app registers its tray item, it reads the item's properties and polls
its dbusmenu layout until the menu lists at least --min-vendors vendor entries
("Name — state"). Notifications are recorded as they arrive. Then, once the go-file
exists and (with --expect-notification TEXT) a notification containing TEXT was
shown, it clicks the menu item labelled --click and exits. Everything it saw goes to
the report file as JSON.

Usage: sni_watcher.py --report r.json --click Quit [--ready f] [--go f]
                      [--min-vendors N] [--expect-notification TEXT] [--timeout S]

With --step instead of --click, it runs a script once the menu is up, one step at a
time: `click:LABEL` clicks the item whose label starts with LABEL as soon as it is
in the menu (the app may redraw it first), `note:TEXT` waits for a notification
containing TEXT that arrived after the previous step, `file:PATH` waits until PATH
exists. Each step is logged in the report's "steps", and when it was done (a click:
just before the click went out) in "times", as Unix milliseconds; the watcher exits when the last step is done (or at --timeout,
with "steps" showing how far it got).
"""
import argparse
import json
import os
import time

from gi.repository import Gio, GLib

ap = argparse.ArgumentParser()
ap.add_argument("--report", required=True)
ap.add_argument("--click")
ap.add_argument("--step", action="append", default=[])
ap.add_argument("--ready")
ap.add_argument("--go")
ap.add_argument("--min-vendors", type=int, default=0)
ap.add_argument("--expect-notification")
ap.add_argument("--timeout", type=int, default=120)
args = ap.parse_args()
if not args.click and not args.step:
    ap.error("one of --click or --step is required")

WATCHER_XML = """
<node>
  <interface name="org.kde.StatusNotifierWatcher">
    <method name="RegisterStatusNotifierItem"><arg type="s" direction="in"/></method>
    <method name="RegisterStatusNotifierHost"><arg type="s" direction="in"/></method>
    <property name="RegisteredStatusNotifierItems" type="as" access="read"/>
    <property name="IsStatusNotifierHostRegistered" type="b" access="read"/>
    <property name="ProtocolVersion" type="i" access="read"/>
    <signal name="StatusNotifierItemRegistered"><arg type="s"/></signal>
    <signal name="StatusNotifierItemUnregistered"><arg type="s"/></signal>
    <signal name="StatusNotifierHostRegistered"/>
  </interface>
</node>
"""

NOTIFY_XML = """
<node>
  <interface name="org.freedesktop.Notifications">
    <method name="Notify">
      <arg type="s" direction="in"/><arg type="u" direction="in"/>
      <arg type="s" direction="in"/><arg type="s" direction="in"/>
      <arg type="s" direction="in"/><arg type="as" direction="in"/>
      <arg type="a{sv}" direction="in"/><arg type="i" direction="in"/>
      <arg type="u" direction="out"/>
    </method>
    <method name="CloseNotification"><arg type="u" direction="in"/></method>
    <method name="GetCapabilities"><arg type="as" direction="out"/></method>
    <method name="GetServerInformation">
      <arg type="s" direction="out"/><arg type="s" direction="out"/>
      <arg type="s" direction="out"/><arg type="s" direction="out"/>
    </method>
    <signal name="NotificationClosed"><arg type="u"/><arg type="u"/></signal>
    <signal name="ActionInvoked"><arg type="u"/><arg type="s"/></signal>
  </interface>
</node>
"""

loop = GLib.MainLoop()
items = []
bus = None
report = {"menu": [], "notifications": [], "clicked": False, "steps": [], "times": []}
# Notifications before this index were seen before the current step began.
seen_before = [0]
owned = set()


def save():
    with open(args.report, "w") as f:
        json.dump(report, f, indent=2, ensure_ascii=False)


def labels(layout):
    """Flattens a dbusmenu layout (id, props, children) into [(id, label)]."""
    item_id, props, children = layout
    out = []
    if "label" in props:
        out.append((item_id, props["label"]))
    for child in children:
        out.extend(labels(child))
    return out


def prop(sender, path, name):
    v = bus.call_sync(sender, path, "org.freedesktop.DBus.Properties", "Get",
                      GLib.Variant("(ss)", ("org.kde.StatusNotifierItem", name)),
                      GLib.VariantType("(v)"), Gio.DBusCallFlags.NONE, 5000, None)
    return v.unpack()[0]


def layout_of(sender, menu):
    return bus.call_sync(sender, menu, "com.canonical.dbusmenu", "GetLayout",
                         GLib.Variant("(iias)", (0, -1, [])), None,
                         Gio.DBusCallFlags.NONE, 5000, None).unpack()[1]


def inspect(sender, path):
    report.update({"sender": sender, "path": path})
    for name in ("Title", "Status", "Id", "IconName", "Menu", "ToolTip"):
        try:
            report[name] = prop(sender, path, name)
        except GLib.Error as e:
            report[name] = None
            report.setdefault("errors", []).append(f"{name}: {e.message}")
    menu = report.get("Menu")
    if not menu:
        save()
        loop.quit()
        return

    def script():
        """Runs --step: True to be called again, False when done."""
        try:
            entries = labels(layout_of(sender, menu))
        except GLib.Error:
            return True  # the app is redrawing, or restarting
        report["menu"] = [label for _, label in entries]
        while len(report["steps"]) < len(args.step):
            kind, _, text = args.step[len(report["steps"])].partition(":")
            at = time.time()
            if kind == "click":
                target = [i for i, label in entries if label.replace("_", "").startswith(text)]
                if not target:
                    save()
                    return True
                at = time.time()
                bus.call_sync(sender, menu, "com.canonical.dbusmenu", "Event",
                              GLib.Variant("(isvu)", (target[0], "clicked", GLib.Variant("s", ""), 0)),
                              None, Gio.DBusCallFlags.NONE, 5000, None)
            elif kind == "note":
                fresh = report["notifications"][seen_before[0]:]
                if not any(text in (n["summary"] + " " + n["body"]) for n in fresh):
                    save()
                    return True
            elif kind == "file":
                if not os.path.exists(text):
                    return True
            else:
                raise SystemExit(f"unknown step {kind!r}")
            report["steps"].append(args.step[len(report["steps"])])
            report["times"].append(round(at * 1000))
            seen_before[0] = len(report["notifications"])
            save()
            return True  # the next step starts on the next poll, after a redraw
        report["clicked"] = True
        save()
        GLib.timeout_add(300, loop.quit)
        return False

    if args.step:
        GLib.timeout_add(200, script)
        return

    def poll():
        entries = labels(layout_of(sender, menu))
        report["menu"] = [label for _, label in entries]
        report["IconName"] = prop(sender, path, "IconName")
        vendors = [label for label in report["menu"] if " — " in label]
        target = [i for i, label in entries if label.replace("_", "") == args.click]
        notified = args.expect_notification is None or any(
            args.expect_notification in (n["summary"] + " " + n["body"])
            for n in report["notifications"])
        go = args.go is None or os.path.exists(args.go)
        save()
        if len(vendors) >= args.min_vendors and target and notified and go:
            report["clicked"] = True
            save()
            bus.call_sync(sender, menu, "com.canonical.dbusmenu", "Event",
                          GLib.Variant("(isvu)", (target[0], "clicked", GLib.Variant("s", ""), 0)),
                          None, Gio.DBusCallFlags.NONE, 5000, None)
            GLib.timeout_add(300, loop.quit)
            return False
        return True  # poll again

    if poll():
        GLib.timeout_add(200, poll)


def on_watcher_call(connection, sender, obj, iface, method, params, invocation):
    if method == "RegisterStatusNotifierItem":
        service = params.unpack()[0]
        path = service if service.startswith("/") else "/StatusNotifierItem"
        name = sender if service.startswith("/") else service
        items.append(f"{name}{path}")
        invocation.return_value(None)
        connection.emit_signal(None, "/StatusNotifierWatcher", "org.kde.StatusNotifierWatcher",
                               "StatusNotifierItemRegistered", GLib.Variant("(s)", (items[-1],)))
        GLib.idle_add(lambda: inspect(name, path) and False)
    else:
        invocation.return_value(None)


def on_watcher_get(connection, sender, obj, iface, name):
    return {
        "RegisteredStatusNotifierItems": GLib.Variant("as", items),
        "IsStatusNotifierHostRegistered": GLib.Variant("b", True),
        "ProtocolVersion": GLib.Variant("i", 0),
    }[name]


def on_notify_call(connection, sender, obj, iface, method, params, invocation):
    if method == "Notify":
        app, _replaces, _icon, summary, body = params.unpack()[:5]
        report["notifications"].append({"app": app, "summary": summary, "body": body})
        save()
        invocation.return_value(GLib.Variant("(u)", (len(report["notifications"]),)))
    elif method == "GetCapabilities":
        invocation.return_value(GLib.Variant("(as)", (["body"],)))
    elif method == "GetServerInformation":
        invocation.return_value(GLib.Variant("(ssss)", ("stand-in", "switchboard-tests", "1", "1.2")))
    else:
        invocation.return_value(None)


def own(name, xml, path, on_call, on_get):
    def on_bus(connection, _name):
        global bus
        bus = connection
        info = Gio.DBusNodeInfo.new_for_xml(xml).interfaces[0]
        connection.register_object(path, info, on_call, on_get, None)

    def on_name(_connection, got):
        owned.add(got)
        if args.ready and len(owned) == 2:
            open(args.ready, "w").close()

    Gio.bus_own_name(Gio.BusType.SESSION, name, Gio.BusNameOwnerFlags.NONE,
                     on_bus, on_name, lambda *a: loop.quit())


own("org.kde.StatusNotifierWatcher", WATCHER_XML, "/StatusNotifierWatcher",
    on_watcher_call, on_watcher_get)
own("org.freedesktop.Notifications", NOTIFY_XML, "/org/freedesktop/Notifications",
    on_notify_call, None)
GLib.timeout_add_seconds(args.timeout, loop.quit)
loop.run()
save()
