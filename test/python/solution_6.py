# Phase 6: route. A routing table by method and path, instead of a chain of ifs.
import os
import re
import socket
import sys
import threading
import time

HOST = "127.0.0.1"  # not "localhost": that can mean the IPv6 address ::1
PORT = int(os.environ.get("PORT", "8000"))
MAX_HEAD = 64 * 1024
SLOW_MS = int(os.environ.get("SLOW_MS", "5000"))
VISITOR_COUNT = 0
# Threads run at the same time: only one at a time may read and update the count
count_lock = threading.Lock()

# A method is a token (RFC 9110 tchar). [0-9], not \d: \d also matches other scripts' digits
TOKEN = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")
VERSION = re.compile(r"HTTP/([0-9])\.[0-9]")
# The standard methods, in the order an Allow header lists them. Case-sensitive: "get" is not here
KNOWN_METHODS = ["GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH"]

# The routing table: (method, pattern) -> handler. Routes are data, not code paths
ROUTES = {}


def route(method, pattern):
    """Decorator: @route("GET", "/about") puts the function in the table."""

    def register(handler):
        ROUTES[(method, pattern)] = handler
        if method == "GET":
            # HEAD is a GET without the body, so every GET route serves HEAD too
            ROUTES[("HEAD", pattern)] = handler
        return handler

    return register


@route("GET", "/")
def index(method):
    global VISITOR_COUNT
    with count_lock:
        if method == "GET":  # HEAD only looks: it shows the count, it is no visit
            VISITOR_COUNT += 1
        count = VISITOR_COUNT
    return "200 OK", f"<h1>This page has been accessed {count} times.</h1>"


@route("GET", "/about")
def about(method):
    return "200 OK", "<h1>About</h1><p>A server that routes by method and path.</p>"


@route("GET", "/hello/<name>")
def hello(method, name):
    return "200 OK", f"Hello, {name}!"  # the name as sent: no percent-decoding yet


@route("GET", "/slow")
def slow(method):
    time.sleep(SLOW_MS / 1000)  # the slow work: only this thread waits
    return "200 OK", "<h1>Slow</h1>"


def match(pattern, path):
    """Returns the parameters if path fits pattern ({} if it has none), or None."""
    wanted = pattern.split("/")
    got = path.split("/")
    # Same number of segments: "/hello/a/b" is not "/hello/<name>"
    if len(wanted) != len(got):
        return None
    params = {}
    for want, segment in zip(wanted, got):
        if want.startswith("<") and want.endswith(">"):
            if segment == "":  # "/hello/": a parameter is never empty
                return None
            params[want[1:-1]] = segment
        elif want != segment:
            return None
    return params


def dispatch(method, path):
    """Returns (status, body, extra headers) from the table."""
    allowed = []
    for (route_method, pattern), handler in ROUTES.items():
        params = match(pattern, path)
        if params is None:
            continue
        if route_method == method:
            status, body = handler(method, **params)
            return status, body, {}
        allowed.append(route_method)
    if not allowed:
        # /favicon.ico and everything else: not found, not counted
        return "404 Not Found", "<h1>404 Not Found</h1>", {}
    # The path exists, not for this method: say which methods it has
    allow = ", ".join(m for m in KNOWN_METHODS if m in allowed)
    return "405 Method Not Allowed", "<h1>405 Method Not Allowed</h1>", {"Allow": allow}


def parse_request(request_data):
    """Returns (method, target, version) from the request line, or None if it is malformed."""
    # The first line is the request line: "GET / HTTP/1.1" (ends in \r\n, \n or nothing)
    first_line = request_data.split("\n")[0].removesuffix("\r")
    # Exactly three parts, single spaces: "GET  / HTTP/1.1" has an empty part, so it fails
    parts = first_line.split(" ")
    if len(parts) != 3:
        return None
    method, target, version = parts
    if not TOKEN.fullmatch(method) or not target.startswith("/"):
        return None
    if not VERSION.fullmatch(version):  # fullmatch: "$" would also let a final "\n" through
        return None
    return method, target, version


def respond(request):
    """Returns (status, body, extra headers) for a parsed request line (None: malformed)."""
    if request is None:
        return "400 Bad Request", "<h1>400 Bad Request</h1>", {}
    method, target, version = request
    # The syntax is fine; the checks go from the version to the method to the path
    if VERSION.fullmatch(version).group(1) != "1":
        return "505 HTTP Version Not Supported", "<h1>505 HTTP Version Not Supported</h1>", {}
    if method not in KNOWN_METHODS:
        return "501 Not Implemented", "<h1>501 Not Implemented</h1>", {}
    # The query string picks no route: "/?x=1" is "/"
    path = target.split("?", 1)[0]
    return dispatch(method, path)


def generate_response(content, status_code="200 OK", extra_headers=None, send_body=True):
    body = content.encode("utf-8")
    header = f"HTTP/1.1 {status_code}\r\n"
    header += "Content-Type: text/html; charset=utf-8\r\n"
    # bytes, not characters; for HEAD, the length the GET body would have
    header += f"Content-Length: {len(body)}\r\n"
    for name, value in (extra_headers or {}).items():
        header += f"{name}: {value}\r\n"
    header += "Connection: close\r\n"
    header += "\r\n"  # the blank line
    return header.encode("utf-8") + (body if send_body else b"")


def read_head(client_connection):
    """Reads until the blank line (\\r\\n\\r\\n, or \\n\\n from nc). Returns the head, or None."""
    data = b""
    while True:
        ends = [i for i in (data.find(b"\r\n\r\n"), data.find(b"\n\n")) if i != -1]
        # The cap counts the whole head, its blank line included, ended or not: a head that ended
        # past it is refused, and so are MAX_HEAD bytes with no end yet (the end would make it
        # longer still). So the verdict does not depend on how the recvs cut the bytes
        if ends:
            end = min(ends)
            size = end + (4 if data.startswith(b"\r\n\r\n", end) else 2)
            if size <= MAX_HEAD:
                return data[:end].decode("utf-8", errors="replace")
        if ends or len(data) >= MAX_HEAD:
            print("Request head too big, closing the connection", flush=True)
            return None
        chunk = client_connection.recv(4096)
        if not chunk:
            print("Client left before the request was complete", flush=True)
            return None
        data += chunk


def handle_client(client_connection):
    head = read_head(client_connection)
    if head is None:
        return
    print(f"--- Received ---\n{head}\n----------------", flush=True)
    request = parse_request(head)
    if request is None:
        print("Could not parse the request line", flush=True)
    else:
        print(f"path: {request[1]}", flush=True)
    try:
        status, body, extra_headers = respond(request)
    except Exception as error:  # a bug in a handler still gets an answer
        print(f"Handler error: {error!r}", flush=True)
        status, body, extra_headers = "500 Internal Server Error", "<h1>500 Internal Server Error</h1>", {}
    # HEAD: same status and headers, no body (once the request line could be read)
    send_body = request is None or request[0] != "HEAD"
    client_connection.sendall(generate_response(body, status, extra_headers, send_body))
    # FIN now: the client sees the end of the response even if it sent more than the head
    client_connection.shutdown(socket.SHUT_WR)
    # Read what is left (a POST body) for a moment: closing with unread data sends a reset,
    # which can destroy the response before the client has read it
    client_connection.settimeout(1)
    drained = 0
    try:
        while drained <= MAX_HEAD:
            chunk = client_connection.recv(4096)
            if not chunk:
                break
            drained += len(chunk)
    except OSError:  # timeout or reset: the response is out, nothing more to do
        pass


def serve_client(client_connection, client_address):
    print(f"Connection received from {client_address[0]}:{client_address[1]}", flush=True)
    # A client that stops sending must not block this thread forever
    client_connection.settimeout(10)
    try:
        handle_client(client_connection)
    except OSError as error:  # reset, timeout, ...
        print(f"Socket error: {error}", flush=True)
    finally:
        client_connection.close()


def start_server():
    server_socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server_socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    server_socket.bind((HOST, PORT))
    server_socket.listen(128)
    print(f"Listening on http://{HOST}:{PORT}", flush=True)

    while True:
        client_connection, client_address = server_socket.accept()
        # One thread per client: a slow request does not block the others
        thread = threading.Thread(
            target=serve_client, args=(client_connection, client_address), daemon=True
        )
        thread.start()


if __name__ == "__main__":
    # A path with bytes the terminal cannot show must not stop the request before its answer
    sys.stdout.reconfigure(errors="backslashreplace")
    start_server()
