#!/usr/bin/python3
"""Runs a command in a pseudo-terminal and answers its prompts, like a person would.

Usage: session.py <script.json> -- <command> [args...]
script.json: [["text to wait for", "answer to type"], ...]; a third element "hidden"
makes it also wait until the program has turned terminal echo off (as a password
prompt must) before typing, and fail if it never does.
Prints the whole terminal transcript, then `EXIT <status>`.
"""
import json
import os
import pty
import select
import sys
import termios
import time

steps = json.load(open(sys.argv[1]))
cmd = sys.argv[sys.argv.index("--") + 1:]
pid, fd = pty.fork()
if pid == 0:
    os.execvp(cmd[0], cmd)

transcript = b""


def read_until(text=None, timeout=30):
    """Reads until `text` appears (or, without text, until the program ends)."""
    global transcript
    deadline = time.monotonic() + timeout
    while text is None or text.encode() not in transcript:
        left = deadline - time.monotonic()
        if left <= 0:
            raise SystemExit(f"timed out waiting for {text!r}; transcript:\n{transcript.decode(errors='replace')}")
        ready, _, _ = select.select([fd], [], [], left)
        if ready:
            try:
                chunk = os.read(fd, 4096)
            except OSError:
                break
            if not chunk:
                break
            transcript += chunk


def wait_for_echo_off(timeout=10):
    """On Linux the master side reports the terminal's settings: poll until ECHO is off."""
    deadline = time.monotonic() + timeout
    while termios.tcgetattr(fd)[3] & termios.ECHO:
        if time.monotonic() > deadline:
            raise SystemExit(f"echo was never turned off; transcript:\n{transcript.decode(errors='replace')}")
        time.sleep(0.005)


for step in steps:
    expect, answer = step[0], step[1]
    read_until(expect)
    if len(step) > 2 and step[2] == "hidden":
        wait_for_echo_off()
    os.write(fd, answer.encode() + b"\r")
read_until()
_, status = os.waitpid(pid, 0)
sys.stdout.write(transcript.decode(errors="replace"))
print(f"\nEXIT {os.waitstatus_to_exitcode(status)}")
