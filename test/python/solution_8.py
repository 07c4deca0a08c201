# Phase 8: query. The path is percent-decoded segment by segment, the query string read into a table.
import email.utils
import json
import os
import re
import socket
import sys
import threading
import time

HOST = "127.0.0.1"  # not "localhost": that can mean the IPv6 address ::1
PORT = int(os.environ.get("PORT", "8000"))
# The whole head counts: request line, header lines, every line end and the blank line
MAX_HEAD = 32 * 1024
# The longest target this server parses; a longer one gets 414 (RFC 9112 §3 recommends 8000 at least)
MAX_TARGET = 8 * 1024
# The whole head must have come this many seconds after the connection opened
HEAD_TIMEOUT = 1.0
# After its answer, the server reads (and drops) what still comes for this long, then closes
DRAIN = 1.0
SLOW_MS = int(os.environ.get("SLOW_MS", "5000"))
SERVER_NAME = "http-lab-py/8"
VISITOR_COUNT = 0
# Threads run at the same time: only one at a time may read and update the count
count_lock = threading.Lock()

# A method and a header name are tokens (RFC 9110 tchar). [0-9], not \d: \d also matches other scripts' digits
TOKEN = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")
VERSION = re.compile(r"HTTP/([0-9])\.[0-9]")
# What follows a "%": exactly two hex digits (int(..., 16) alone would also take " 1" or "+1")
HEX_PAIR = re.compile(r"[0-9A-Fa-f]{2}")
# "http://127.0.0.1:8000" in the absolute form "http://127.0.0.1:8000/about?x=1": scheme, "://", host
SCHEME_AND_HOST = re.compile(r"https?://[^/?#]*", re.IGNORECASE)
# What RFC 3986 lets a path and a query hold; "%" must start an escape (percent_decode checks that).
# Not "#" (a fragment never leaves the client), no space or control byte, no backslash, no byte over 127
TARGET_CHARACTERS = re.compile(r"[A-Za-z0-9\-._~!$&'()*+,;=:@/?%]*")
# The end of the head: an empty line, whether the lines end in \r\n or in \n (nc sends \n)
HEAD_END = re.compile(rb"\n\r?\n")
# The standard methods, in the order an Allow header lists them. Case-sensitive: "get" is not here
KNOWN_METHODS = ["GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH"]
LONGEST_METHOD = max(len(method) for method in KNOWN_METHODS)
# A Host value is host[:port] (RFC 9110 §7.2): a name or IPv4 address, or an IPv6 address in [ ];
# no user@, no path, no spaces
HOST_VALUE = re.compile(r"(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9._~!$&'()*+,;=%-]*)(:[0-9]*)?")

HTML = "text/html; charset=utf-8"
TEXT = "text/plain; charset=utf-8"
JSON = "application/json"

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


# A handler gets the request ({"method", "headers", "path", "query"}) and the path's parameters,
# decoded; it returns (status, body, content type)


@route("GET", "/")
def index(request):
    global VISITOR_COUNT
    with count_lock:
        if request["method"] == "GET":  # HEAD only looks: it shows the count, it is no visit
            VISITOR_COUNT += 1
        count = VISITOR_COUNT
    return "200 OK", f"<h1>This page has been accessed {count} times.</h1>", HTML


@route("GET", "/about")
def about(request):
    return "200 OK", "<h1>About</h1><p>A server that routes by method and path.</p>", HTML


@route("GET", "/hello/<name>")
def hello(request, name):
    # Plain text: decoded, the name may be "<script>"; in an HTML page it would be markup
    return "200 OK", f"Hello, {name}!", TEXT


@route("GET", "/slow")
def slow(request):
    time.sleep(SLOW_MS / 1000)  # the slow work: only this thread waits
    return "200 OK", "<h1>Slow</h1>", HTML


@route("GET", "/user-agent")
def user_agent(request):
    # No User-Agent: an empty body (and so no Content-Type)
    return "200 OK", request["headers"].get("user-agent", ""), TEXT


@route("GET", "/headers")
def headers(request):
    # ensure_ascii=False keeps "é" as "é" (generate_response encodes it as UTF-8); no spaces: compact
    return "200 OK", json.dumps(request["headers"], ensure_ascii=False, separators=(",", ":")), JSON


@route("GET", "/search")
def search(request):
    answer = {"path": request["path"], "query": request["query"]}
    return "200 OK", json.dumps(answer, ensure_ascii=False, separators=(",", ":")), JSON


def error_page(status, extra_headers=None):
    """Returns (status, body, content type, extra headers) for an error: a small HTML page."""
    return status, f"<h1>{status}</h1>", HTML, extra_headers or {}


def percent_decode(text):
    """Decodes every %XX once, as UTF-8, strictly. Returns the text, or None if an escape is invalid.
    Not urllib.parse.unquote: it leaves "%zz" as it is and turns bad UTF-8 into U+FFFD."""
    data = bytearray()
    i = 0
    while i < len(text):
        if text[i] == "%":
            pair = text[i + 1 : i + 3]
            if not HEX_PAIR.fullmatch(pair):  # "%zz", "%4" at the end, a lone "%"
                return None
            data.append(int(pair, 16))
            i += 3
        else:
            data += text[i].encode("utf-8")
            i += 1
    try:
        # Strict: "%C3" alone, "%FF" or an overlong form is no UTF-8 text
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return None


def origin_form(target):
    """The target as a path and its query, "/about?x=1", or None if no client may send it.
    The absolute form, "http://127.0.0.1:8000/about?x=1", is what a proxy gets, and a server
    must accept it too (RFC 9112 §3.2.2): without its scheme and host it is the same target."""
    scheme_and_host = SCHEME_AND_HOST.match(target)
    rest = target[scheme_and_host.end() :] if scheme_and_host else target
    # "http://host" and "http://host?x=1" have an empty path, which is "/" (RFC 9110 §4.2.3)
    if scheme_and_host and not rest.startswith("/"):
        rest = "/" + rest
    # Anything else is in neither form ("about"), or holds a character no target may hold
    if not rest.startswith("/") or not TARGET_CHARACTERS.fullmatch(rest):
        return None
    return rest


def decode_segments(path):
    """The path's segments, decoded: "/hello/a%2Fb" -> ["hello", "a/b"], "/" -> [""].
    None if an escape is invalid."""
    # Split FIRST, decode after: "%2F" is a "/" inside a segment, never a separator.
    # Once only: "%2541" is "%41", never "A". In a path "+" is a plus, not a space
    segments = [percent_decode(segment) for segment in path[1:].split("/")]
    return None if None in segments else segments


def parse_query(query):
    """The query as a table: "a=1&b&a=2" -> {"a": ["1", "2"], "b": [""]}.
    None if an escape is invalid."""
    result = {}  # a dict keeps the order keys first came in
    # Split first, decode after: "%26" is an "&" inside a value, "%3D" an "=" inside a key
    for pair in query.split("&"):
        if pair == "":  # "a=1&&b=2", a final "&"
            continue
        key, _, value = pair.partition("=")  # the FIRST "=": "a=1=2" is a -> "1=2"
        # In a form-encoded query "+" is a space; replace it before decoding, so "%2B" stays "+"
        key = percent_decode(key.replace("+", " "))
        value = percent_decode(value.replace("+", " "))
        if key is None or value is None:
            return None
        result.setdefault(key, []).append(value)
    return result


def match(pattern, segments):
    """Returns the parameters if the decoded segments fit pattern ({} if it has none), or None."""
    wanted = pattern[1:].split("/")  # "/hello/<name>" -> ["hello", "<name>"], "/" -> [""]
    # Same number of segments: "/hello/a/b" is not "/hello/<name>"
    if len(wanted) != len(segments):
        return None
    params = {}
    for want, segment in zip(wanted, segments):
        if want.startswith("<") and want.endswith(">"):
            if segment == "":  # "/hello/": a parameter is never empty
                return None
            params[want[1:-1]] = segment
        elif want != segment:
            return None
    return params


def dispatch(request, segments):
    """Returns (status, body, content type, extra headers) from the table."""
    allowed = []
    for (route_method, pattern), handler in ROUTES.items():
        params = match(pattern, segments)
        if params is None:
            continue
        if route_method == request["method"]:
            status, body, content_type = handler(request, **params)
            return status, body, content_type, {}
        allowed.append(route_method)
    if not allowed:
        # /favicon.ico and everything else: not found, not counted
        return error_page("404 Not Found")
    # The path exists, not for this method: say which methods it has
    allow = ", ".join(m for m in KNOWN_METHODS if m in allowed)
    return error_page("405 Method Not Allowed", {"Allow": allow})


def parse_request(request_data):
    """Returns (method, target, version) from the request line, or None if it is malformed."""
    # The first line is the request line: "GET / HTTP/1.1" (ends in \r\n, \n or nothing)
    first_line = request_data.split("\n")[0].removesuffix("\r")
    # Exactly three parts, single spaces: "GET  / HTTP/1.1" has an empty part, so it fails
    parts = first_line.split(" ")
    if len(parts) != 3:
        return None
    method, target, version = parts
    # The target is a path, or in the absolute form; what it holds, origin_form reads
    if not TOKEN.fullmatch(method) or not (target.startswith("/") or SCHEME_AND_HOST.match(target)):
        return None
    if not VERSION.fullmatch(version):  # fullmatch: "$" would also let a final "\n" through
        return None
    return method, target, version


def parse_fields(head):
    """Returns the header lines as a list of (lowercase name, value), or None if one is malformed."""
    fields = []
    for line in head.split("\n")[1:]:  # [1:]: the request line is no header
        line = line.removesuffix("\r")
        # obs-fold: a line that starts with a space or tab would continue the previous value.
        # RFC 9112 §5.2 lets a server reject it, and rejecting is the simple, safe choice
        if line.startswith((" ", "\t")):
            return None
        # NUL and a CR inside a line are read differently by different programs: RFC 9110 §5.5
        # and RFC 9112 §2.2 say reject them, or replace each with a space. Rejecting is simpler
        if "\0" in line or "\r" in line:
            return None
        # The FIRST colon ends the name: "Host: 127.0.0.1:8000" keeps the port in the value
        name, colon, value = line.partition(":")
        # No colon, an empty name, or "Host : x" (a space is no tchar, so it fails here too:
        # RFC 9112 §5.1 forbids whitespace before the colon)
        if not colon or not TOKEN.fullmatch(name):
            return None
        # Names are case-insensitive; the spaces and tabs around a value are not part of it
        fields.append((name.lower(), value.strip(" \t")))
    return fields


def parse_headers(head):
    """Returns {lowercase name: value} for the head's header lines, or None if one is malformed."""
    fields = parse_fields(head)
    if fields is None:
        return None
    headers = {}
    for name, value in fields:
        # A field sent several times is one list of values, in the order they came (RFC 9110 §5.3)
        headers[name] = f"{headers[name]}, {value}" if name in headers else value
    return headers


def respond(head):
    """Returns (status, body, content type, extra headers) for a request head."""
    request_line = parse_request(head)
    if request_line is None:
        return error_page("400 Bad Request")
    method, target, version = request_line
    # The checks go in a fixed order: target length, version, header syntax, Host, method, target, encoding, path
    if len(target.encode("utf-8")) > MAX_TARGET:
        return error_page("414 URI Too Long")
    if VERSION.fullmatch(version).group(1) != "1":
        return error_page("505 HTTP Version Not Supported")
    fields = parse_fields(head)
    if fields is None:
        print("Malformed header line", flush=True)
        return error_page("400 Bad Request")
    # Count the Host lines, not the commas: two lines are two hosts (RFC 9112 §3.2).
    # HTTP/1.0 came before Host, so only 1.1 must send it; two are wrong in any version
    hosts = [value for name, value in fields if name == "host"]
    if len(hosts) > 1 or (not hosts and version != "HTTP/1.0"):
        print(f"{len(hosts)} Host header lines", flush=True)
        return error_page("400 Bad Request")
    # One Host, but not host[:port] ("user@host", "host/path"): 400 too (RFC 9112 §3.2)
    if hosts and not HOST_VALUE.fullmatch(hosts[0]):
        print(f"Invalid Host: {hosts[0]}", flush=True)
        return error_page("400 Bad Request")
    if method not in KNOWN_METHODS:
        return error_page("501 Not Implemented")
    origin = origin_form(target)
    if origin is None:
        print("Not a target a client may send", flush=True)
        return error_page("400 Bad Request")
    # The query string picks no route: "/?x=1" is "/"
    path, _, query = origin.partition("?")
    segments = decode_segments(path)
    query_table = parse_query(query)
    # A broken escape anywhere in the target is the client's error, for every route
    if segments is None or query_table is None:
        print("Invalid percent-encoding", flush=True)
        return error_page("400 Bad Request")
    request = {
        "method": method,
        "headers": parse_headers(head),
        "path": "/" + "/".join(segments),
        "query": query_table,
    }
    return dispatch(request, segments)


def generate_response(content, status_code="200 OK", content_type=HTML, extra_headers=None, send_body=True):
    body = content.encode("utf-8")
    header = f"HTTP/1.1 {status_code}\r\n"
    # Computed now, for this response, in GMT (IMF-fixdate): never the local time of the machine
    header += f"Date: {email.utils.formatdate(usegmt=True)}\r\n"
    header += f"Server: {SERVER_NAME}\r\n"
    if body:  # no body, nothing to describe; for HEAD, the type the GET body would have
        header += f"Content-Type: {content_type}\r\n"
    # bytes, not characters; for HEAD, the length the GET body would have
    header += f"Content-Length: {len(body)}\r\n"
    for name, value in (extra_headers or {}).items():
        header += f"{name}: {value}\r\n"
    header += "Connection: close\r\n"
    header += "\r\n"  # the blank line
    return header.encode("utf-8") + (body if send_body else b"")


class HeadTooLarge(Exception):
    """The head is over MAX_HEAD, or MAX_HEAD bytes came without its end. Its status says why."""

    def __init__(self, status):
        super().__init__(status)
        self.status = status


def too_big_status(data):
    """The status for a head over the limit. Its request line decides when that alone is too long
    to read (RFC 9112 §3): a method longer than any this server knows gets 501, a target longer
    than it parses 414; any other head, 431."""
    line = data.split(b"\n", 1)[0]
    method, _, rest = line.partition(b" ")
    if len(method) > LONGEST_METHOD:
        return "501 Not Implemented"
    if len(rest.partition(b" ")[0]) > MAX_TARGET:
        return "414 URI Too Long"
    return "431 Request Header Fields Too Large"


def read_head(client_connection):
    """Reads until the blank line. Returns the head (without it), None if the client left or
    took too long, or raises HeadTooLarge."""
    data = b""
    searched = 0  # bytes before this are already searched: a flood of 1-byte sends stays cheap
    # A deadline for the whole head, not a timeout per recv: a client that sends one byte a
    # second would reset a per-recv timeout for ever
    deadline = time.monotonic() + HEAD_TIMEOUT
    while True:
        # Start 2 bytes back: the end "\n\r\n" may have been cut between two recvs
        end = HEAD_END.search(data, max(0, searched - 2))
        if end:
            if end.end() > MAX_HEAD:  # the whole head, the blank line included
                raise HeadTooLarge(too_big_status(data))
            return data[: end.start()].decode("utf-8", errors="replace")
        # No end in MAX_HEAD bytes: whatever comes next, the head is over the limit.
        # Answer now: a head that never ends must not be waited for, nor kept in memory
        if len(data) >= MAX_HEAD:
            raise HeadTooLarge(too_big_status(data))
        searched = len(data)
        left = deadline - time.monotonic()
        if left <= 0:
            print(f"No whole head within {HEAD_TIMEOUT} s: closing the connection", flush=True)
            return None
        previous = client_connection.gettimeout()
        client_connection.settimeout(left)
        try:
            chunk = client_connection.recv(4096)
        except socket.timeout:
            print(f"No whole head within {HEAD_TIMEOUT} s: closing the connection", flush=True)
            return None
        finally:
            client_connection.settimeout(previous)  # the answer is sent under the usual timeout
        if not chunk:
            print("Client left before the request was complete", flush=True)
            return None
        data += chunk  # at most MAX_HEAD - 1 + 4096 bytes are ever kept


def drain(client_connection, seconds):
    """Reads and drops what the client still sends, until it closes or the time is up.
    Closing with unread data sends a reset, which can destroy the response before the client
    has read it."""
    deadline = time.monotonic() + seconds
    try:
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                break
            client_connection.settimeout(left)  # the total time, not the time per recv
            if not client_connection.recv(65536):
                break
    except OSError:  # timeout or reset: the response is out, nothing more to do
        pass


def handle_client(client_connection):
    try:
        head = read_head(client_connection)
    except HeadTooLarge as too_large:
        status = too_large.status
        print(f"Request head too large: {status}", flush=True)
        client_connection.sendall(generate_response(f"<h1>{status}</h1>", status))
        client_connection.shutdown(socket.SHUT_WR)
        # The client may still be sending its huge head: read it away, for DRAIN at most
        drain(client_connection, DRAIN)
        return
    if head is None:
        return
    print(f"--- Received ---\n{head}\n----------------", flush=True)
    request_line = parse_request(head)
    if request_line is None:
        print("Could not parse the request line", flush=True)
    else:
        print(f"path: {request_line[1]}", flush=True)
    try:
        status, body, content_type, extra_headers = respond(head)
    except Exception as error:  # a bug in a handler still gets an answer
        print(f"Handler error: {error!r}", flush=True)
        status, body, content_type, extra_headers = error_page("500 Internal Server Error")
    # HEAD: same status and headers, no body (once the request line could be read)
    send_body = request_line is None or request_line[0] != "HEAD"
    client_connection.sendall(generate_response(body, status, content_type, extra_headers, send_body))
    # FIN now: the client sees the end of the response even if it sent more than the head
    client_connection.shutdown(socket.SHUT_WR)
    # Read what is left (a POST body) for a moment before closing
    drain(client_connection, DRAIN)


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
