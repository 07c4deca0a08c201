# Phase 15: framework. The server stops answering by itself: every request it reads goes to an
# application, and what the application answers goes back on the wire. In Python the interface
# between the two is WSGI (PEP 3333), which Flask, Django and Pyramid all speak: the server hands
# the app a dict, environ (the request, with CGI's names), and a function, start_response (for
# the status and the fields); the app returns the body, an iterable of byte strings. This server
# runs app_15.app, the twin of the lab's Hono app. Its part is the adapter (build_environ,
# AppAnswer, run_app) and everything it did before: heads read within their limits and deadlines,
# bodies by Content-Length or in chunks, 100-continue, refusals, kept connections, pipelining.
# A body the app gives without a length goes out as it comes: in chunks for HTTP/1.1, until the
# close for HTTP/1.0 (phase 14's framing). Phase 13's gzip is not applied to the app's answers.
import email.utils
import io
import os
import re
import socket
import sys
import threading
import time
import traceback
import urllib.parse

import app_15

HOST = "127.0.0.1"  # not "localhost": that can mean the IPv6 address ::1
PORT = int(os.environ.get("PORT", "8000"))
# The whole head counts: request line, header lines, every line end and the blank line
MAX_HEAD = 32 * 1024
# The longest target this server parses; a longer one gets 414 (RFC 9112 §3 recommends 8000 at least)
MAX_TARGET = 8 * 1024
# A request's whole head must have come this many seconds after the connection opened (the first
# request) or after the request's first byte (the next ones)
HEAD_TIMEOUT = 1.0
# After an answer on a kept connection, the next request's first byte must come within this many
# seconds; then the server closes the idle connection
KEEP_ALIVE = int(os.environ.get("KEEP_ALIVE_MS", "5000")) / 1000
# After its answer, the server reads (and drops) what still comes for this long, then closes
DRAIN = 1.0
# The biggest body this server reads; a Content-Length over it gets 413 before a byte is read, and
# a chunked body as soon as its chunk sizes add up to more
MAX_BODY = 2 * 1024 * 1024
# The whole body, by Content-Length or in chunks, must have come this many seconds after the head;
# then the answer is 408
BODY_TIMEOUT = 2.0
# The answer to "Expect: 100-continue": an interim response, a status line and an empty line
CONTINUE = b"HTTP/1.1 100 Continue\r\n\r\n"
SERVER_NAME = "http-lab-py/15"
# A body is read in pieces of at most this size: memory stays the same whatever the size. (Pieces,
# not chunks: how the server reads has nothing to do with how a chunked body is cut)
PIECE_SIZE = 64 * 1024

# A method and a header name are tokens (RFC 9110 tchar). [0-9], not \d: \d also matches other scripts' digits
TOKEN = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")
VERSION = re.compile(r"HTTP/([0-9])\.[0-9]")
# A Content-Length is 1*DIGIT: int() alone would also take "+5", " 5", "1_000" and other scripts' digits
DIGITS = re.compile(r"[0-9]+")
# The largest Content-Length read as a number, as in the TypeScript server (past it a JavaScript
# number is not exact); a longer one is invalid (400). Also spares int() thousands of digits
MAX_LENGTH = 2**53 - 1
# "http://127.0.0.1:8000" in the absolute form "http://127.0.0.1:8000/about?x=1": scheme, "://", host
SCHEME_AND_HOST = re.compile(r"https?://[^/?#]*", re.IGNORECASE)
# What RFC 3986 lets a path and a query hold; "%" starts an escape (the app decodes it, not this
# server). Not "#" (a fragment never leaves the client), no space or control byte, no backslash,
# no byte over 127
TARGET_CHARACTERS = re.compile(r"[A-Za-z0-9\-._~!$&'()*+,;=:@/?%]*")
# The end of the head: an empty line, whether the lines end in \r\n or in \n (nc sends \n)
HEAD_END = re.compile(rb"\n\r?\n")
# Empty lines before a request line: some clients send one after a body, and a server SHOULD
# ignore them (RFC 9112 §2.2)
EMPTY_LINES = re.compile(rb"(?:\r?\n)*")
# The standard methods, in the order an Allow header lists them. Case-sensitive: "get" is not here
KNOWN_METHODS = ["GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH"]
LONGEST_METHOD = max(len(method) for method in KNOWN_METHODS)
# A Host value is host[:port] (RFC 9110 §7.2): a name or IPv4 address, or an IPv6 address in [ ];
# no user@, no path, no spaces
HOST_VALUE = re.compile(r"(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9._~!$&'()*+,;=%-]*)(:[0-9]*)?")
# The same token as bytes: a chunk's size line and its trailers are read before any decoding
TOKEN_BYTES = rb"[!#$%&'*+\-.^_`|~0-9A-Za-z]+"
# A quoted string (RFC 9110 §5.6.4): between quotes, visible ASCII but '"' and "\", spaces, tabs,
# bytes over 127; a backslash escapes the byte after it
QUOTED_STRING = rb'"(?:[\t !#-\[\]-~\x80-\xff]|\\[\t -~\x80-\xff])*"'
# A chunk's size line, without its CRLF: the size in hex, any case, no sign, nothing before it;
# then chunk extensions, ";name" or ";name=value", with spaces or tabs allowed around ";" and "="
# (RFC 9112 §7.1.1). This server knows no extension: their form is checked, their meaning ignored.
# At most 16 digits, 64 bits: more is refused before it is read as a number (this lab's rule)
CHUNK_SIZE_LINE = re.compile(
    rb"([0-9A-Fa-f]{1,16})"
    rb"(?:[ \t]*;[ \t]*" + TOKEN_BYTES + rb"(?:[ \t]*=[ \t]*(?:" + TOKEN_BYTES + rb"|" + QUOTED_STRING + rb"))?)*"
)
# A trailer field line (RFC 9112 §7.1.2): a name, a colon, a value, read as a header line is
# (parse_fields): no NUL or CR in it. No trailer changes how this server answers: each is checked,
# then dropped
TRAILER_FIELD = re.compile(TOKEN_BYTES + rb":[^\0\r]*")

# The server's own answers (its refusals) are small HTML pages
HTML = "text/html; charset=utf-8"

# The fields no application may set (PEP 3333: hop-by-hop fields are the server's): they describe
# this connection and this message's framing, which only the server knows
HOP_BY_HOP = {
    "connection", "keep-alive", "proxy-authenticate", "proxy-authorization",
    "te", "trailer", "trailers", "transfer-encoding", "upgrade",
}
# A status as WSGI gives it: three digits, a space, a reason ("404 Not Found")
WSGI_STATUS = re.compile(r"[1-5][0-9]{2} [^\0\r\n]*")
# A field value as a WSGI app may give it: latin-1, no line breaks, no NUL (RFC 9110 §5.5)
FIELD_VALUE = re.compile(r"[^\0\r\n]*")


def error_page(status, extra_headers=None):
    """Returns (status, body, content type, extra headers) for an error: a small HTML page."""
    return status, f"<h1>{status}</h1>", HTML, extra_headers or {}


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


def check_head(head):
    """Returns None if the head can be answered, else the error page that refuses it."""
    request_line = parse_request(head)
    if request_line is None:
        return error_page("400 Bad Request")
    method, target, version = request_line
    # The checks go in a fixed order: target length, version, header syntax, Host here; then the
    # body's framing and the body (answer_request); then method and target (respond)
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
    return None


class BadFraming(Exception):
    """The request's framing, in its head or in its chunks, is one this server does not read, or
    a body too large. Its status says why."""

    def __init__(self, status):
        super().__init__(status)
        self.status = status


# body_length's answer for a body in chunks: its length is known only once its last chunk has come
CHUNKED = "chunked"


def content_length(value):
    """The body's length from a Content-Length value: "42" -> 42, "007" -> 7, "5, 5" -> 5.
    None for anything else: "-1", "+5", "1e3", "0x10", "", "5abc", "5, 6"."""
    # The field sent twice arrives joined, "5, 5": the same length twice is that length,
    # two different ones are an error (RFC 9110 §8.6)
    lengths = {part.strip(" \t") for part in value.split(",")}
    if len(lengths) != 1:
        return None
    digits = lengths.pop()
    if not DIGITS.fullmatch(digits):
        return None
    # Leading zeros say nothing ("007" is 7). More digits than MAX_LENGTH has: over it, without int()
    digits = digits.lstrip("0") or "0"
    if len(digits) > len(str(MAX_LENGTH)):
        return None
    length = int(digits)
    return length if length <= MAX_LENGTH else None


def body_length(headers, version):
    """How the request's body is framed, read from the head before any of the body (RFC 9112
    §6.3): None if the request has no body, its length for a Content-Length, CHUNKED for a chunked
    body. Raises BadFraming when the framing cannot be known for sure: guessing would read the
    next request's bytes as this body, or this body as a request."""
    encoding = headers.get("transfer-encoding")
    length = headers.get("content-length")
    if encoding is not None:
        # Transfer-Encoding decides, and with it a Content-Length is refused (transfer_coding)
        return transfer_coding(encoding, version, length is not None)
    if length is None:
        return None
    count = content_length(length)
    if count is None:
        raise BadFraming("400 Bad Request")
    if count > MAX_BODY:
        raise BadFraming("413 Content Too Large")
    return count


def transfer_coding(encoding, version, has_length):
    """CHUNKED if a request with this Transfer-Encoding value (and this version, and a
    Content-Length or not) has a chunked body this server reads; raises BadFraming otherwise.
    Every refusal closes the connection: the body's end is not known, so neither is the next
    request's start."""
    # HTTP/1.0 has no transfer codings: a 1.0 request that says one has a faulty framing
    # (RFC 9112 §6.1, MUST close after answering)
    if version == "HTTP/1.0":
        raise BadFraming("400 Bad Request")
    # Two framings that may disagree: the classic smuggling setup. A server MAY read it as chunked
    # and then MUST close (RFC 9112 §6.1); refusing it is simpler, and as safe
    if has_length:
        raise BadFraming("400 Bad Request")
    # A list of codings, in the order they were applied; two field lines arrive joined by ", ".
    # Codings are case-insensitive; empty list elements are ignored (RFC 9110 §5.6.1)
    codings = [coding.strip(" \t").lower() for coding in encoding.split(",")]
    codings = [coding for coding in codings if coding]
    # Only chunked says where the body ends, so it must be the last coding, applied once
    # (RFC 9112 §6.3 and §6.1, MUST). "xchunked", "chunked, identity": no one knows where it ends
    if codings.count("chunked") != 1 or codings[-1] != "chunked":
        raise BadFraming("400 Bad Request")
    # "gzip, chunked": the chunks can be read, but not the coding under them (RFC 9112 §6.1, SHOULD 501)
    if len(codings) > 1:
        raise BadFraming("501 Not Implemented")
    return CHUNKED


def chunk(data):
    """One chunk as it goes on the wire: its size in hex, CRLF, the data, CRLF (RFC 9112 §7.1).
    Empty data gives the last chunk, "0\\r\\n\\r\\n": a chunk of size 0 ends the body, so a chunk
    can never be empty (chunks_of skips empty pieces)."""
    return f"{len(data):x}\r\n".encode("ascii") + data + b"\r\n"


class ChunkedReader:
    """Reads a chunked body (RFC 9112 §7.1) from bytes that come in pieces, cut anywhere: a size,
    a CRLF, the data, a trailer. Give it each piece with feed(). It keeps the body's data and the
    bytes it cannot read yet (a line not ended yet), not the framing it has read, and never reads
    a chunk twice: a body sent a byte at a time costs little more to read than one sent at once."""

    def __init__(self):
        self.body = bytearray()  # the data of the chunks read so far
        self.unread = bytearray()  # bytes fed and not read yet
        # What comes next: a chunk's "size" line, its "data", the "crlf" after the data, or the
        # "trailers" (the lines after the last chunk, up to the empty line)
        self.state = "size"
        self.left = 0  # in "data": how many bytes of this chunk are still to come
        self.trailer_bytes = 0  # the trailer section's bytes so far, each line's CRLF included

    def feed(self, piece):
        """Reads piece, the bytes that came after the last piece. Returns None while the body is
        not whole, then (body, rest): the body's data, and the bytes after the empty line that
        ends it (the start of the next request). Raises BadFraming: 400 as soon as the bytes are
        no chunked framing, 413 as soon as a chunk size takes the body over MAX_BODY (its data
        is never waited for)."""
        self.unread += piece
        while True:
            if self.state == "size":
                line = self.line(MAX_HEAD)
                if line is None:
                    return None
                size_line = CHUNK_SIZE_LINE.fullmatch(line)
                if size_line is None:
                    raise BadFraming("400 Bad Request")
                size = int(size_line.group(1), 16)
                if size == 0:  # the last chunk: the trailer section follows
                    self.state = "trailers"
                elif len(self.body) + size > MAX_BODY:
                    raise BadFraming("413 Content Too Large")
                else:
                    self.state, self.left = "data", size
            elif self.state == "data":
                taken = self.unread[: self.left]
                self.body += taken
                del self.unread[: len(taken)]  # cheap: a bytearray drops its start in place
                self.left -= len(taken)
                if self.left > 0:
                    return None
                self.state = "crlf"
            elif self.state == "crlf":
                # The data is exactly its size long, then CRLF. Anything else there means the size
                # and the data disagree: refused as soon as the first wrong byte is seen
                after = bytes(self.unread[:2])
                if not b"\r\n".startswith(after):
                    raise BadFraming("400 Bad Request")
                if len(after) < 2:
                    return None
                del self.unread[:2]
                self.state = "size"
            else:  # "trailers": field lines, ignored, then the empty line that ends the body
                # The section has the same limit as a head: trailers are header fields too
                line = self.line(MAX_HEAD - self.trailer_bytes)
                if line is None:
                    return None
                self.trailer_bytes += len(line) + 2
                if line == b"":
                    return bytes(self.body), bytes(self.unread)
                if TRAILER_FIELD.fullmatch(line) is None:
                    raise BadFraming("400 Bad Request")

    def line(self, limit):
        """The next line of the framing without its CRLF once it is whole, None until then.
        Raises BadFraming (400) for a line that ends in a bare LF, or that is (or will be) longer
        than limit bytes with its CRLF: a line that never ends is not waited for."""
        end = self.unread.find(b"\n")
        if end == -1:
            if len(self.unread) >= limit:
                raise BadFraming("400 Bad Request")
            return None
        # A bare LF ends a line for some readers and not for others: in framing, that is how two
        # of them come to disagree on where a body ends. Only CRLF ends a line here (RFC 9112 §7.1)
        if end + 1 > limit or self.unread[end - 1 : end] != b"\r":
            raise BadFraming("400 Bad Request")
        line = bytes(self.unread[: end - 1])
        del self.unread[: end + 1]
        return line


def read_chunked(data):
    """The chunked body at the start of data (the bytes after the head): (body, size), size being
    how many bytes of data its framing took, up to and including the empty line that ends it; or
    a status, 400 when the framing is broken and 413 when the sizes go over MAX_BODY; or None when
    more bytes are needed. The server itself feeds a ChunkedReader as the pieces come."""
    try:
        read = ChunkedReader().feed(data)
    except BadFraming as bad:
        return int(bad.status.split(" ")[0])  # "413 Content Too Large" -> 413
    if read is None:
        return None
    body, rest = read
    return body, len(data) - len(rest)


def persistent(version, connection):
    """Whether the connection stays open after the answer to a request with this version and
    this Connection value (None: no such field), RFC 9112 §9.3. The value is a list of tokens in
    any case, "Keep-Alive, TE"; only whole tokens count ("closed" is not "close")."""
    # Around each token, spaces and tabs only (RFC 9110 §5.6.1): strip() alone takes any whitespace
    tokens = [token.strip(" \t").lower() for token in (connection or "").split(",")]
    if "close" in tokens:  # in any version
        return False
    if version == "HTTP/1.0":  # 1.0 closes unless told
        return "keep-alive" in tokens
    return True  # 1.1 stays open unless told


def connection_field(version, headers):
    """The Connection field of the answer: "close" when the server closes after it; when it keeps
    the connection, "keep-alive" to HTTP/1.0 (which closes unless told) and None (no field) to
    HTTP/1.1 (which stays open unless told)."""
    if not persistent(version, headers.get("connection")):
        return "close"
    return "keep-alive" if version == "HTTP/1.0" else None


def respond(head, raw_head, body):
    """For a request whose head check_head accepted, and its body (bytes, or None if it had
    none): the error page that refuses it, as a tuple (status, body, content type, extra
    headers), or the environ to run the app with (a dict)."""
    method, target, version = parse_request(head)
    if method not in KNOWN_METHODS:
        return error_page("501 Not Implemented")
    origin = origin_form(target)
    if origin is None:
        print("Not a target a client may send", flush=True)
        return error_page("400 Bad Request")
    # No 400 for an escape that does not decode any more: the path is the app's to decode (Hono
    # keeps "%zz" as it is), and the server only passes it on
    return build_environ(method, target, version, origin, raw_head, body)


def build_environ(method, target, version, origin, raw_head, body):
    """The request as a WSGI app reads it (PEP 3333): CGI's variables, then the wsgi.* keys."""
    path, _, query = origin.partition("?")
    # The head as bytes read one by one (latin-1): WSGI's strings are bytes in disguise, so the
    # app gets the bytes that came, whatever they are (PEP 3333, "native strings")
    fields = parse_fields(raw_head.decode("latin-1"))
    hosts = [value for name, value in fields if name == "host"]
    if hosts:
        server_name, port = HOST_VALUE.fullmatch(hosts[0]).groups()
        server_port = port[1:] if port and port != ":" else "80"
    else:  # HTTP/1.0 without Host: the address this server listens on
        server_name, server_port = HOST, str(PORT)
    environ = {
        "REQUEST_METHOD": method,
        # The app is mounted at the root: all of the path is PATH_INFO
        "SCRIPT_NAME": "",
        # Decoded, as PEP 3333 wants it: each %XX is one byte, and each byte one latin-1
        # character. A "%zz" that is no escape stays as it came
        "PATH_INFO": urllib.parse.unquote(path, encoding="latin-1"),
        "QUERY_STRING": query,
        # Not in PEP 3333: the target as it came (uWSGI, mod_wsgi and Werkzeug's server give it
        # under this name). PATH_INFO cannot tell "/a%2Fb" from "/a/b"; this can
        "REQUEST_URI": target,
        "SERVER_NAME": server_name,
        "SERVER_PORT": server_port,
        "SERVER_PROTOCOL": version,
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": "http",
        # The body, read whole already (by Content-Length or in chunks): the app reads it from
        # memory, and may stop early without leaving bytes on the connection
        "wsgi.input": io.BytesIO(body or b""),
        "wsgi.input_terminated": True,  # reading to the end is safe: the end is the body's
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": True,  # a thread per connection: several requests at once
        "wsgi.multiprocess": False,
        "wsgi.run_once": False,
    }
    if body is not None:
        # The length of the body as the app reads it: for a chunked body, the chunks' data
        environ["CONTENT_LENGTH"] = str(len(body))
    for name, value in fields:
        # The body's framing is read and gone: wsgi.input holds the body itself, and its length
        # is CONTENT_LENGTH. Telling the app "chunked" would make it look for chunks
        if name in ("content-length", "transfer-encoding"):
            continue
        # "X_Tag" and "X-Tag" would both become HTTP_X_TAG, and one could pass for the other: a
        # name with "_" is dropped (this lab's rule; gunicorn and nginx do the same)
        if "_" in name:
            continue
        # Content-Type has its CGI name without HTTP_; every other field is HTTP_ and its name
        # in capitals, "-" as "_". Repeated lines are one value, joined by ", " (RFC 9110 §5.3)
        key = "CONTENT_TYPE" if name == "content-type" else "HTTP_" + name.upper().replace("-", "_")
        environ[key] = f"{environ[key]}, {value}" if key in environ else value
    return environ


class ClientGone(OSError):
    """Sending to the client failed: it left, or stopped reading. Not the app's error: nothing
    more can be sent on this connection, not even a 500."""


def check_answer(status, headers):
    """Raises ValueError if the app's status or fields cannot go on the wire as they are."""
    if not isinstance(status, str) or not WSGI_STATUS.fullmatch(status):
        raise ValueError(f"Not a status: {status!r}")
    for name, value in headers:
        if not TOKEN.fullmatch(name) or not FIELD_VALUE.fullmatch(value):
            raise ValueError(f"Not a field: {name!r}: {value!r}")
        value.encode("latin-1")  # raises UnicodeEncodeError (a ValueError) for "€"
        if name.lower() in HOP_BY_HOP:
            raise ValueError(f"{name} is the server's to set, not the app's")
        if name.lower() == "content-length" and not DIGITS.fullmatch(value):
            raise ValueError(f"Not a Content-Length: {value!r}")


class AppAnswer:
    """One answer of the app, as it goes on the wire: start_response is what the app calls with
    its status and fields; send() writes the body's pieces as they come, the head before the first
    one; finish() ends the body. The head waits for the first piece that is not empty (PEP 3333):
    until then, an error of the app can still become a 500."""

    def __init__(self, client_connection, method, version, connection):
        self.client_connection = client_connection
        self.method = method
        self.version = version
        self.connection = connection  # the Connection field; "close" when the server closes after
        self.status = None
        self.headers = None
        self.head_sent = False
        self.has_body = True  # False for HEAD, 1xx, 204, 304: a head and nothing after it
        self.framing = None  # "length", "chunked" or "close": how the client finds the body's end
        self.left = 0  # with "length": how many bytes the body still has

    def start_response(self, status, headers, exc_info=None):
        """WSGI's start_response: keeps the status ("200 OK") and the fields, a list of (name,
        value), for the head. Called again with exc_info, it replaces them, if the head has not
        gone out yet; if it has, the error is raised again (PEP 3333)."""
        if exc_info is not None:
            if self.head_sent:
                raise exc_info[1].with_traceback(exc_info[2])
        elif self.status is not None:
            raise RuntimeError("start_response called twice without exc_info")
        check_answer(status, headers)
        self.status, self.headers = status, list(headers)
        return self.write

    def write(self, data):
        """The write() start_response returns, for apps written before iterables (PEP 3333)."""
        self.send(data, None)

    def sendall(self, data):
        try:
            self.client_connection.sendall(data)
        except OSError as error:
            raise ClientGone(str(error)) from error

    def send_head(self, known_length):
        """Sends the status line and the fields. known_length is the body's length when the
        server knows it before the first byte (a list of pieces), else None."""
        if self.status is None:
            raise RuntimeError("The app gave a body before calling start_response")
        code = int(self.status[:3])
        no_content = code < 200 or code in (204, 304)  # these never have a body (RFC 9110 §6.4.1)
        self.has_body = self.method != "HEAD" and not no_content
        names = {name.lower() for name, _ in self.headers}
        lines = [f"HTTP/1.1 {self.status}"]
        # Computed now, in GMT (IMF-fixdate); the app may have said its own Date and Server
        if "date" not in names:
            lines.append(f"Date: {email.utils.formatdate(usegmt=True)}")
        if "server" not in names:
            lines.append(f"Server: {SERVER_NAME}")
        # Every field as the app gave it, in its order: two Set-Cookie are two lines, never one
        # joined line (a cookie's Expires has a comma in it)
        lines += [f"{name}: {value}" for name, value in self.headers]
        app_length = next((value for name, value in self.headers if name.lower() == "content-length"), None)
        # How the body ends: the app's length; the server's count when it has the body whole;
        # else chunks for HTTP/1.1 (RFC 9112 §7.1), the close for HTTP/1.0, which cannot read
        # chunks (a server MUST NOT send them, §6.1). For HEAD, the fields the GET would have
        if app_length is not None:
            self.framing, self.left = "length", int(app_length)
        elif no_content:
            self.framing = None  # no body, and no field about one (RFC 9112 §6.1, §6.2)
        elif known_length is not None:
            self.framing, self.left = "length", known_length
            lines.append(f"Content-Length: {known_length}")
        elif self.version == "HTTP/1.1":
            self.framing = "chunked"
            lines.append("Transfer-Encoding: chunked")
        else:
            self.framing = "close"
            self.connection = "close"  # nothing else can end this body (RFC 9112 §6.3)
        if self.connection is not None:
            lines.append(f"Connection: {self.connection}")
        # latin-1: a field value is bytes, which WSGI passes as latin-1 characters
        self.sendall(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1"))
        self.head_sent = True

    def send(self, piece, known_length):
        """Sends a piece of the body, framed, as soon as it is made (the head first, once)."""
        if not piece:  # an empty piece says nothing, and in chunks it would end the body
            return
        if not self.head_sent:
            self.send_head(known_length)
        if not self.has_body:
            return
        if self.framing == "length":
            if len(piece) > self.left:
                # More than the Content-Length said: the rest would be read as the next answer
                print(f"The app's body is longer than its Content-Length: cut", flush=True)
                piece = piece[: self.left]
            self.left -= len(piece)
        elif self.framing == "chunked":
            piece = chunk(piece)
        if piece:
            self.sendall(piece)

    def finish(self, known_length):
        """Ends the body: the head if no piece sent it (an empty body), the last chunk."""
        if not self.head_sent:
            self.send_head(0 if known_length is None else known_length)
        if not self.has_body:
            return
        if self.framing == "chunked":
            self.sendall(chunk(b""))
        elif self.framing == "length" and self.left > 0:
            # Shorter than its Content-Length: the client would wait for the rest. Only the close
            # tells it the answer is broken
            print(f"The app's body is {self.left} bytes short of its Content-Length", flush=True)
            self.connection = "close"


def run_app(client_connection, environ, version, connection):
    """Runs the app for one request and sends its answer. Returns the Connection field the
    answer ended with: "close" when the connection must end after it."""
    answer = AppAnswer(client_connection, environ["REQUEST_METHOD"], version, connection)
    result = None
    try:
        result = app_15.app(environ, answer.start_response)
        # A list or a tuple is the whole body, there already: its length can be sent. Anything
        # else (a generator) is made while it is sent, and its length is not known
        known_length = sum(map(len, result)) if isinstance(result, (list, tuple)) else None
        for piece in result:
            answer.send(piece, known_length)
            if answer.head_sent and not answer.has_body:
                break  # HEAD, 204, 304: the rest of the body is never made
        answer.finish(known_length)
    except ClientGone:
        raise
    except Exception as error:  # an error of the app, or an answer that cannot be sent
        print(f"App error: {error!r}", flush=True)
        traceback.print_exc(file=sys.stderr)
        if answer.head_sent:
            # Too late for a 500: part of the answer is out. Closing is how the client learns
            # that the body it got is not whole (no last chunk, or fewer bytes than said)
            return "close"
        # Nothing sent yet: the client gets a 500, and the connection goes on, as after any
        # answer (the request was read whole, so the next one starts where it ended)
        status, body, content_type, extra_headers = error_page("500 Internal Server Error")
        send_body = environ["REQUEST_METHOD"] != "HEAD"
        page = generate_response(body, status, content_type, extra_headers, send_body, connection)
        client_connection.sendall(page)
        return connection
    finally:
        # PEP 3333: the server calls close() on the iterable, however the sending ended. A
        # generator stops there (its finally blocks run), a file closes
        close = getattr(result, "close", None)
        if close is not None:
            try:
                close()
            except Exception as error:
                print(f"App error while closing: {error!r}", flush=True)
    return answer.connection


def generate_head(status_code, content_type, length, extra_headers=None, connection="close"):
    """The status line and the headers of the server's own answers (its refusals), up to the
    blank line. content_type None: no Content-Type; length None: no Content-Length; connection
    None: no Connection field (an HTTP/1.1 connection that stays open)."""
    header = f"HTTP/1.1 {status_code}\r\n"
    # Computed now, for this response, in GMT (IMF-fixdate): never the local time of the machine
    header += f"Date: {email.utils.formatdate(usegmt=True)}\r\n"
    header += f"Server: {SERVER_NAME}\r\n"
    if content_type is not None:
        header += f"Content-Type: {content_type}\r\n"
    if length is not None:
        # bytes, not characters; for HEAD, the length the GET body would have
        header += f"Content-Length: {length}\r\n"
    for name, value in (extra_headers or {}).items():
        header += f"{name}: {value}\r\n"
    if connection is not None:
        header += f"Connection: {connection}\r\n"
    header += "\r\n"  # the blank line
    return header.encode("utf-8")


def generate_response(content, status_code="200 OK", content_type=HTML, extra_headers=None, send_body=True, connection="close"):
    # Text is sent as UTF-8; bytes as they are
    body = content.encode("utf-8") if isinstance(content, str) else content
    # No body, nothing to describe; for HEAD, the type the GET body would have
    head = generate_head(status_code, content_type if body else None, len(body), extra_headers, connection)
    return head + (body if send_body else b"")


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


def skip_empty_lines(data):
    """The bytes without the empty lines ("\r\n" or "\n") at their start: some clients send one
    after a body, and a server that expects a request line SHOULD ignore it (RFC 9112 §2.2)."""
    return data[EMPTY_LINES.match(data).end() :]


def read_head(client_connection, received, deadline):
    """Reads until the blank line, starting with the bytes already received. Returns the head
    (without it) as text, the bytes that came after it (the start of the body) and the head as
    bytes (the app gets those, build_environ), None if the client left or the head is not whole at
    deadline (time.monotonic()), or raises HeadTooLarge."""
    data = skip_empty_lines(received)
    searched = 0  # bytes before this are already searched: a flood of 1-byte sends stays cheap
    # A deadline for the whole head, not a timeout per recv: a client that sends one byte a
    # second would reset a per-recv timeout for ever
    while True:
        # Start 2 bytes back: the end "\n\r\n" may have been cut between two recvs
        end = HEAD_END.search(data, max(0, searched - 2))
        if end:
            if end.end() > MAX_HEAD:  # the whole head, the blank line included
                raise HeadTooLarge(too_big_status(data))
            raw_head = data[: end.start()]
            return raw_head.decode("utf-8", errors="replace"), data[end.end() :], raw_head
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
            piece = client_connection.recv(4096)
        except socket.timeout:
            print(f"No whole head within {HEAD_TIMEOUT} s: closing the connection", flush=True)
            return None
        finally:
            client_connection.settimeout(previous)  # the answer is sent under the usual timeout
        if not piece:
            print("Client left before the request was complete" if data else "Client closed the connection", flush=True)
            return None
        # Only changes data while no request line has started (then data is "" or a lone "\r")
        data = skip_empty_lines(data + piece)  # at most MAX_HEAD - 1 + 4096 bytes are ever kept


def read_body(client_connection, received, length):
    """Returns the body and the bytes after it (the start of the next request): exactly length
    bytes, however the recv()s cut them, starting with those received after the head. None if the
    client leaves first; raises socket.timeout if the whole body has not come BODY_TIMEOUT seconds
    from now."""
    body = bytearray(received[:length])
    rest = received[length:]  # bytes after the body are not the body: the next request's start
    # One deadline for the whole body, as for the head: a trickle must not hold the thread
    deadline = time.monotonic() + BODY_TIMEOUT
    previous = client_connection.gettimeout()
    try:
        while len(body) < length:
            left = deadline - time.monotonic()
            if left <= 0:
                raise socket.timeout("no whole body in time")
            client_connection.settimeout(left)
            # No more than the body still needs: what follows it is the next request's, and waits
            piece = client_connection.recv(min(PIECE_SIZE, length - len(body)))
            if not piece:
                return None
            body += piece
    finally:
        client_connection.settimeout(previous)  # the answer is sent under the usual timeout
    return bytes(body), rest


def read_chunked_body(client_connection, received, asks_first):
    """Returns the body and the bytes after it, as read_body does, for a chunked body: read as its
    pieces come, however the recv()s cut them, up to the empty line after the last chunk. None if
    the client leaves first; raises socket.timeout as read_body does, and BadFraming (400, 413) as
    soon as the bytes show a broken framing or too large a body."""
    reader = ChunkedReader()
    read = reader.feed(received)
    if read is None and asks_first:
        client_connection.sendall(CONTINUE)
    deadline = time.monotonic() + BODY_TIMEOUT  # for the whole body, as with a Content-Length
    previous = client_connection.gettimeout()
    try:
        while read is None:
            left = deadline - time.monotonic()
            if left <= 0:
                raise socket.timeout("no whole body in time")
            client_connection.settimeout(left)
            # Where a chunked body ends is known only once it has come: this recv may take the next
            # request's first bytes too. The reader hands them back after the body
            piece = client_connection.recv(PIECE_SIZE)
            if not piece:
                return None
            read = reader.feed(piece)
    finally:
        client_connection.settimeout(previous)  # the answer is sent under the usual timeout
    return read


def answer_request(client_connection, head, raw_head, after_head):
    """Reads the request's body, if its head says it has one, and returns (answer, connection,
    rest): the answer, an error page (status, body, content type, extra headers) that refuses the
    request or the environ to run the app with (respond); the Connection field ("close" when the
    server closes after it); the bytes after the request (the next one's start). None if the
    client left first."""
    # A refused head, a refused framing and a 408 end the connection: after them, where the next
    # request starts is not known for sure
    refused = check_head(head)
    if refused is not None:
        return refused, "close", b""
    version = parse_request(head)[2]
    headers = parse_headers(head)
    # A client that asks first waits for a 100 before it sends the body (RFC 9110 §10.1.1); an
    # HTTP/1.0 client cannot know the 100, and its Expect is ignored
    asks_first = headers.get("expect", "").lower() == "100-continue" and version == "HTTP/1.1"
    try:
        length = body_length(headers, version)
        if length is None:
            read = None, after_head  # no body: the next request starts right after the head
        elif length == CHUNKED:
            read = read_chunked_body(client_connection, after_head, asks_first)
        else:
            if asks_first and len(after_head) < length:
                client_connection.sendall(CONTINUE)
            read = read_body(client_connection, after_head, length)
    except BadFraming as bad:
        # Refused from the head alone, or as soon as the chunks showed it: what is left of the body
        # is never read (drain drops it)
        print(f"Cannot read this body: {bad.status}", flush=True)
        return error_page(bad.status), "close", b""
    except socket.timeout:
        print(f"No whole body within {BODY_TIMEOUT} s: 408", flush=True)
        return error_page("408 Request Timeout"), "close", b""
    if read is None:
        print("Client left before the request was complete", flush=True)
        return None
    body, rest = read
    return respond(head, raw_head, body), connection_field(version, headers), rest


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


def close_in_stages(client_connection):
    """FIN now: the client sees the end of the last response even if it sent more after it.
    Then read what is left (a body refused unread, the next requests) for a moment; serve_client
    closes the socket."""
    client_connection.shutdown(socket.SHUT_WR)
    drain(client_connection, DRAIN)


def wait_for_request(client_connection, received):
    """After an answer on a kept connection: returns the next request's bytes once its first byte
    has come (empty lines before it skipped), or None when the connection is over: the client
    closed it, or sent nothing for KEEP_ALIVE seconds (then this server closes it)."""
    received = skip_empty_lines(received)
    deadline = time.monotonic() + KEEP_ALIVE
    previous = client_connection.gettimeout()
    try:
        while not received:
            left = deadline - time.monotonic()
            piece = None
            if left > 0:
                client_connection.settimeout(left)
                try:
                    piece = client_connection.recv(4096)
                except socket.timeout:
                    pass
            if piece is None:
                print(f"No new request within {KEEP_ALIVE * 1000:.0f} ms: closing the idle connection", flush=True)
                close_in_stages(client_connection)
                return None
            if not piece:
                print("Client closed the connection", flush=True)
                return None
            received = skip_empty_lines(piece)
    finally:
        client_connection.settimeout(previous)
    return received


def handle_client(client_connection):
    """Answers the requests of one connection, one after another, until one of them, the client
    or a deadline ends it. One thread, one loop: a request is answered only once the answer in
    front of it has been sent, so pipelined requests get their answers in the order they came."""
    received = b""  # bytes that came and are not read yet: the start of the next request
    # The first request's whole head has HEAD_TIMEOUT from the connection's opening
    deadline = time.monotonic() + HEAD_TIMEOUT
    while True:
        try:
            read = read_head(client_connection, received, deadline)
        except HeadTooLarge as too_large:
            status = too_large.status
            print(f"Request head too large: {status}", flush=True)
            client_connection.sendall(generate_response(f"<h1>{status}</h1>", status))
            # The client may still be sending its huge head: read it away, for DRAIN at most
            close_in_stages(client_connection)
            return
        if read is None:
            return
        head, after_head, raw_head = read
        print(f"--- Received ---\n{head}\n----------------", flush=True)
        request_line = parse_request(head)
        if request_line is None:
            print("Could not parse the request line", flush=True)
        else:
            print(f"path: {request_line[1]}", flush=True)
        answered = answer_request(client_connection, head, raw_head, after_head)
        if answered is None:
            return
        answer, connection, received = answered
        if isinstance(answer, dict):
            # The app's turn: it answers, and run_app sends its answer as it comes
            connection = run_app(client_connection, answer, request_line[2], connection)
        else:
            # The server's own refusal. HEAD: same status and headers, no body (once the request
            # line could be read)
            status, body, content_type, extra_headers = answer
            send_body = request_line is None or request_line[0] != "HEAD"
            page = generate_response(body, status, content_type, extra_headers, send_body, connection)
            client_connection.sendall(page)
        if connection == "close":
            # This answer is the last: the requests already received behind it are never answered
            # (RFC 9112 §9.6: MUST NOT process them). Close in stages; what still comes is dropped
            close_in_stages(client_connection)
            return
        # The connection stays open: the next request starts with the bytes after this one. If they
        # hold a whole request (a pipeline), it is answered now: no recv() is needed for it
        received = wait_for_request(client_connection, received)
        if received is None:
            return
        # It has started: its whole head has HEAD_TIMEOUT from its first byte (or from now, if
        # that byte came while this answer was being made)
        deadline = time.monotonic() + HEAD_TIMEOUT


def serve_client(client_connection, client_address):
    print(f"Connection received from {client_address[0]}:{client_address[1]}", flush=True)
    # A client that stops sending, or stops reading its answers (sendall waits for it to take
    # them), must not block this thread forever: a recv or a sendall (an answer, or a piece of a
    # file) that has not finished within 10 s ends the connection
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
    print(f"Running the WSGI app {app_15.__name__}.app", flush=True)

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
