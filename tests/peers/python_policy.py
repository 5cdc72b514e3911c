"""Drives `switchboard bridge` with the official Python MCP SDK client through the tool
policy: a read-only tool runs, a destructive one waits for the technician (the test
approves it, then declines it, then lets it time out), a denied one fails at once.

Usage: python_policy.py <switchboard-binary>   (SWITCHBOARD_HOME etc. come from the env)
Prints one JSON object with what it saw; the Rust test answers the approvals.
"""
import asyncio
import json
import os
import sys

from mcp import ClientSession, StdioServerParameters
from mcp.client.stdio import stdio_client
from mcp.types import Implementation


def text(result):
    flag = getattr(result, "is_error", None)
    if flag is None:
        flag = getattr(result, "isError", False)
    return {"text": result.content[0].text, "is_error": bool(flag)}


async def main() -> dict:
    params = StdioServerParameters(command=sys.argv[1], args=["bridge"], env=dict(os.environ))
    seen = {}
    async with stdio_client(params) as (read, write):
        async with ClientSession(read, write, client_info=Implementation(name="policy-test", version="1")) as session:
            await session.initialize()
            seen["peek"] = text(await session.call_tool("fx__peek", {}))
            args = {"device": "laptop-7", "password": "hunter2-do-not-keep"}
            # Approved by the test, then declined, then left to time out.
            seen["approved"] = text(await session.call_tool("fx__wipe", args, read_timeout_seconds=None))
            seen["declined"] = text(await session.call_tool("fx__wipe", args))
            seen["timed_out"] = text(await session.call_tool("fx__wipe", args))
            seen["denied"] = text(await session.call_tool("fx__echo", {"text": "x"}))
    return seen


if __name__ == "__main__":
    print(json.dumps(asyncio.run(main())))
