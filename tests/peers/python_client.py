"""Drives `switchboard bridge` with the official Python MCP SDK client.

Usage: python_client.py <switchboard-binary>   (SWITCHBOARD_HOME etc. come from the env)
Checks: initialize, tools/list, a call, progress notifications, a crash mid-call
(an error naming the vendor, not a hang), and a call after the crash.
Prints one JSON object with what it saw; exits non-zero on a failed check.
"""
import asyncio
import json
import os
import sys
import time

from mcp import ClientSession, StdioServerParameters
from mcp.client.stdio import stdio_client


async def main() -> dict:
    params = StdioServerParameters(command=sys.argv[1], args=["bridge"], env=dict(os.environ))
    seen = {}
    async with stdio_client(params) as (read, write):
        async with ClientSession(read, write) as session:
            init = await session.initialize()
            seen["server"] = init.server_info.name
            tools = await session.list_tools()
            seen["tools"] = sorted(t.name for t in tools.tools)
            assert "fx__echo" in seen["tools"], seen["tools"]

            result = await session.call_tool("fx__echo", {"text": "from the python sdk"})
            seen["echo"] = result.content[0].text
            assert seen["echo"] == "from the python sdk"

            progress = []

            async def on_progress(value, total, message):
                progress.append([value, total, message])

            result = await session.call_tool("fx__progress", {"steps": 3}, progress_callback=on_progress)
            seen["progress"] = progress
            seen["progress_result"] = result.content[0].text
            assert [p[0] for p in progress] == [1, 2, 3], progress

            started = time.monotonic()
            try:
                result = await session.call_tool("fx__crash", {}, read_timeout_seconds=10)
                seen["crash"] = {"unexpected_result": str(result)}
            except Exception as e:  # the SDK raises on a JSON-RPC error response
                seen["crash"] = {"error": str(e), "seconds": time.monotonic() - started}
            assert "error" in seen["crash"], seen["crash"]
            assert "fx" in seen["crash"]["error"], seen["crash"]

            result = await session.call_tool("fx__echo", {"text": "after the crash"})
            seen["after"] = result.content[0].text
    return seen


if __name__ == "__main__":
    print(json.dumps(asyncio.run(main())))
