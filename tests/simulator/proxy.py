"""A loopback HTTPS proxy that only answers CONNECT: what the network probe needs to see."""

from __future__ import annotations

import socket
import socketserver
import threading
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def connect_proxy(
    status: int = 200, refuse: tuple[str, ...] = ()
) -> Iterator[tuple[str, list[str]]]:
    """Serve on 127.0.0.1; yields its URL and the CONNECT targets it was asked for.

    refuse: host name parts (e.g. "yahoo") whose CONNECT is answered 502 (that host is down).
    """
    asked: list[str] = []

    class Handler(socketserver.BaseRequestHandler):
        def handle(self) -> None:
            request = self.request.recv(1024).decode("ascii", "replace")
            line = request.split("\r\n", 1)[0].split()
            if len(line) >= 2 and line[0] == "CONNECT":
                asked.append(line[1])
            answer = status
            if len(line) >= 2 and any(part in line[1] for part in refuse):
                answer = 502
            reason = {200: "Connection established", 502: "Bad Gateway"}.get(answer, "Forbidden")
            self.request.sendall(f"HTTP/1.1 {answer} {reason}\r\n\r\n".encode())
            self.request.shutdown(socket.SHUT_RDWR)

    class Server(socketserver.ThreadingTCPServer):
        daemon_threads = True
        allow_reuse_address = True

    with Server(("127.0.0.1", 0), Handler) as server:
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield f"http://127.0.0.1:{server.server_address[1]}", asked
        finally:
            server.shutdown()
