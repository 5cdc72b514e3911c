#!/usr/bin/python3
"""Asks the X window titled <title> to close, as a window manager's close button
does (a WM_DELETE_WINDOW client message), and waits until it is gone.

Usage: close_window.py <title> [timeout-seconds]
"""
import sys
import time

from Xlib import X, display, protocol

TITLE = sys.argv[1]
TIMEOUT = float(sys.argv[2]) if len(sys.argv) > 2 else 10

d = display.Display()
WM_PROTOCOLS = d.intern_atom("WM_PROTOCOLS")
WM_DELETE = d.intern_atom("WM_DELETE_WINDOW")


def find(window):
    try:
        if window.get_wm_name() == TITLE and window.get_attributes().map_state == X.IsViewable:
            return window
        for child in window.query_tree().children:
            found = find(child)
            if found:
                return found
    except Exception:  # windows come and go while we walk the tree
        return None
    return None


target = find(d.screen().root)
if target is None:
    sys.exit(f"no mapped window titled {TITLE!r}")
event = protocol.event.ClientMessage(window=target, client_type=WM_PROTOCOLS,
                                     data=(32, [WM_DELETE, X.CurrentTime, 0, 0, 0]))
target.send_event(event, event_mask=X.NoEventMask)
d.flush()
deadline = time.monotonic() + TIMEOUT
while time.monotonic() < deadline:
    if find(d.screen().root) is None:
        print(f"closed {TITLE!r}")
        sys.exit(0)
    time.sleep(0.1)
sys.exit(f"{TITLE!r} is still open after {TIMEOUT} s")
