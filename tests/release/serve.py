#!/usr/bin/python3
"""Serves a folder over https on 127.0.0.1 (a port of its own), for the release test:
the update manifests and the artifacts. Prints the port, then serves until killed.

Usage: serve.py <folder> <cert.pem> <key.pem>
"""
import functools
import http.server
import ssl
import sys

folder, cert, key = sys.argv[1:4]
handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=folder)
server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
context.load_cert_chain(cert, key)
server.socket = context.wrap_socket(server.socket, server_side=True)
print(server.server_address[1], flush=True)
server.serve_forever()
