#!/usr/bin/python3
"""A StatusNotifierWatcher stand-in for headless tray tests.

Owns org.kde.StatusNotifierWatcher on the session bus, as a desktop's tray host
would. When an app registers its tray item, it reads the item's properties and its
dbusmenu layout, writes them as JSON to the report file, then clicks the menu item
whose label is given (e.g. "Quit") and exits.

Usage: sni_watcher.py <report.json> <label-to-click> [ready-file] [go-file]

With a ready-file, it is created once the watcher owns its name. With a go-file,
the click waits until that file exists (say, until a screenshot is taken).
"""
import os
import json
import sys

from gi.repository import Gio, GLib

REPORT, CLICK = sys.argv[1], sys.argv[2]
READY = sys.argv[3] if len(sys.argv) > 3 else None
GO = sys.argv[4] if len(sys.argv) > 4 else None

XML = """
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

loop = GLib.MainLoop()
items = []
bus = None


def labels(layout):
    """Flattens a dbusmenu layout (id, props, children) into [(id, label)]."""
    item_id, props, children = layout
    out = []
    if "label" in props:
        out.append((item_id, props["label"]))
    for child in children:
        out.extend(labels(child))
    return out


def inspect(sender, path):
    def prop(name):
        v = bus.call_sync(sender, path, "org.freedesktop.DBus.Properties", "Get",
                          GLib.Variant("(ss)", ("org.kde.StatusNotifierItem", name)),
                          GLib.VariantType("(v)"), Gio.DBusCallFlags.NONE, 5000, None)
        return v.unpack()[0]

    report = {"sender": sender, "path": path}
    for name in ("Title", "Status", "Id", "IconName", "Menu"):
        try:
            report[name] = prop(name)
        except GLib.Error as e:
            report[name] = None
            report.setdefault("errors", []).append(f"{name}: {e.message}")
    menu = report.get("Menu")
    report["menu"] = []
    if menu:
        layout = bus.call_sync(sender, menu, "com.canonical.dbusmenu", "GetLayout",
                               GLib.Variant("(iias)", (0, -1, [])), None,
                               Gio.DBusCallFlags.NONE, 5000, None).unpack()[1]
        report["menu"] = [label for _, label in labels(layout)]
        target = [i for i, label in labels(layout) if label.replace("_", "") == CLICK]
        report["clicked"] = bool(target)
    with open(REPORT, "w") as f:
        json.dump(report, f, indent=2)
    if menu and target:
        def click():
            if GO and not os.path.exists(GO):
                return True  # keep waiting
            bus.call_sync(sender, menu, "com.canonical.dbusmenu", "Event",
                          GLib.Variant("(isvu)", (target[0], "clicked", GLib.Variant("s", ""), 0)),
                          None, Gio.DBusCallFlags.NONE, 5000, None)
            GLib.timeout_add(200, loop.quit)
            return False
        if click():
            GLib.timeout_add(100, click)
    else:
        GLib.timeout_add(200, loop.quit)


def on_call(connection, sender, obj, iface, method, params, invocation):
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


def on_get(connection, sender, obj, iface, prop):
    return {
        "RegisteredStatusNotifierItems": GLib.Variant("as", items),
        "IsStatusNotifierHostRegistered": GLib.Variant("b", True),
        "ProtocolVersion": GLib.Variant("i", 0),
    }[prop]


def on_bus(connection, name):
    global bus
    bus = connection
    info = Gio.DBusNodeInfo.new_for_xml(XML).interfaces[0]
    connection.register_object("/StatusNotifierWatcher", info, on_call, on_get, None)


def on_name(connection, name):
    if READY:
        open(READY, "w").close()


Gio.bus_own_name(Gio.BusType.SESSION, "org.kde.StatusNotifierWatcher",
                 Gio.BusNameOwnerFlags.NONE, on_bus, on_name, lambda *a: loop.quit())
GLib.timeout_add_seconds(90, loop.quit)
loop.run()
