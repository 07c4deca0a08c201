# Phase 14: chunked. Until now every body's length was known before its first byte. The chunked
# transfer coding (RFC 9112 §7.1) frames a body whose length is not: chunks, each its size in hex,
# CRLF, its bytes, CRLF; then a chunk of size 0, optional trailer fields and an empty line. It
# frames the message on this connection only (a transfer coding, §6.1), unlike phase 13's gzip,
# which is part of the representation. Both ways here: GET /stream sends lines as they are made,
# in chunks (HTTP/1.0, which cannot read chunks, gets them until the server closes); a request body
# may come chunked, and is read however the reads cut it. A Transfer-Encoding this server cannot
# read for sure is refused, and the connection closed: a reader that guesses where a body ends is
# what request smuggling exploits. Everything else is phase 13's: gzip with Vary, kept
# connections, pipelined requests answered in order, bounded memory, deadlines.
import datetime
import email.utils
import gzip
import html
import json
import math
import os
import re
import socket
import stat
import sys
import threading
import time
import types

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
SLOW_MS = int(os.environ.get("SLOW_MS", "5000"))
SERVER_NAME = "http-lab-py/14"
# The folder whose files are served; relative to the working directory, or absolute.
# Resolved once, symlinks included: every file's real path is compared with this one
WEB_ROOT = os.path.realpath(
    os.environ.get("WEB_ROOT") or os.path.join(os.path.dirname(os.path.abspath(__file__)), "public")
)
# Inside the root means the root itself or under "root/": a bare prefix would let "/srv/public-old"
# pass for "/srv/public". join(root, "") adds the separator (and leaves "/" as "/")
ROOT_PREFIX = os.path.join(WEB_ROOT, "")
# A file goes out in pieces of this size, and a body is read in pieces of at most this size:
# memory stays the same whatever the size. (Pieces, not chunks: how the server reads and writes
# has nothing to do with how a chunked body is cut)
PIECE_SIZE = 64 * 1024
# gzip's frame (header and trailer) is about 20 bytes: below this, compressing gains little or
# makes the body longer ("Hello", 5 bytes, becomes 25). This lab's rule
MIN_GZIP_BYTES = 1024
# Compressing needs the whole body in memory, to know its Content-Length before sending it; a
# larger file is streamed as it is (chunks could carry it compressed; this server keeps it simple)
MAX_GZIP_BYTES = 8 * 1024 * 1024
# zlib's default level, as Node's gzip: 9 costs much more time for a few percent fewer bytes
GZIP_LEVEL = 6
VISITOR_COUNT = 0
# Threads run at the same time: only one at a time may read and update the count
count_lock = threading.Lock()

# A method and a header name are tokens (RFC 9110 tchar). [0-9], not \d: \d also matches other scripts' digits
TOKEN = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")
VERSION = re.compile(r"HTTP/([0-9])\.[0-9]")
# What follows a "%": exactly two hex digits (int(..., 16) alone would also take " 1" or "+1")
HEX_PAIR = re.compile(r"[0-9A-Fa-f]{2}")
# A Content-Length is 1*DIGIT: int() alone would also take "+5", " 5", "1_000" and other scripts' digits
DIGITS = re.compile(r"[0-9]+")
# The largest Content-Length read as a number, as in the TypeScript server (past it a JavaScript
# number is not exact); a longer one is invalid (400). Also spares int() thousands of digits
MAX_LENGTH = 2**53 - 1
# "http://127.0.0.1:8000" in the absolute form "http://127.0.0.1:8000/about?x=1": scheme, "://", host
SCHEME_AND_HOST = re.compile(r"https?://[^/?#]*", re.IGNORECASE)
# What RFC 3986 lets a path and a query hold; "%" must start an escape (percent_decode checks that).
# Not "#" (a fragment never leaves the client), no space or control byte, no backslash, no byte over 127
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

HTML = "text/html; charset=utf-8"
TEXT = "text/plain; charset=utf-8"
JSON = "application/json"
FORM = "application/x-www-form-urlencoded"
# By extension, compared in lowercase; anything else is application/octet-stream
CONTENT_TYPES = {
    ".html": HTML,
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".json": JSON,
    ".txt": TEXT,
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".ico": "image/x-icon",
    ".webp": "image/webp",
    ".wasm": "application/wasm",
    ".pdf": "application/pdf",
}
# Besides every text/* type, the media types that are text and shrink when compressed. PNG, JPEG,
# GIF, WebP and ICO images are compressed already: gzip would only add its frame. PDF, WASM and
# bytes of no known kind are left as they are (this server's choice: the contract leaves them out)
COMPRESSIBLE = {"application/json", "application/javascript", "application/xml", "image/svg+xml"}
# The number in a weight ";q=0.5": 0 to 1, with at most three decimals (RFC 9110 §12.4.2). "0.5"
# and "1.000" are qvalues; "2" and "high" are not
QVALUE = re.compile(r"0(\.[0-9]{0,3})?|1(\.0{0,3})?")

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


# A handler gets the request ({"method", "headers", "path", "query", "body"}) and the path's
# parameters, decoded; it returns (status, body, content type). The request's body is bytes, or
# None when the request had none. The answer's body is text, or a generator of bytes: a body
# made while it is sent (GET /stream)


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


def query_number(query, key, default, lowest, highest):
    """The whole number the query gives for key: default without the key, None (a 400) for
    anything but one number from lowest to highest ("", "-1", "1e3", or the key given twice)."""
    values = query.get(key)
    if values is None:
        return default
    if len(values) != 1 or not DIGITS.fullmatch(values[0]):
        return None
    # Leading zeros say nothing; a number longer than highest is over it, without int()
    digits = values[0].lstrip("0") or "0"
    if len(digits) > len(str(highest)):
        return None
    number = int(digits)
    return number if lowest <= number <= highest else None


def stream_lines(count, pause):
    """The lines of /stream, each made pause seconds after the one before (the first at once)."""
    for i in range(1, count + 1):
        if i > 1:
            time.sleep(pause)  # the slow work: only this client's thread waits
        yield f"chunk {i} of {count}\n".encode("utf-8")


@route("GET", "/stream")
def stream(request):
    # A body whose length is not known when it starts: its lines go out as they are made, in
    # chunks (frame_stream). For HEAD the generator is never started: the head goes out at once
    count = query_number(request["query"], "n", 5, 1, 100)
    pause_ms = query_number(request["query"], "ms", 200, 0, 2000)
    if count is None or pause_ms is None:
        return json_error("400 Bad Request", "n must be a whole number from 1 to 100, ms from 0 to 2000")
    return "200 OK", stream_lines(count, pause_ms / 1000), TEXT


# A lone surrogate ("\ud800" in a JSON string) is no character UTF-8 can encode
LONE_SURROGATE = re.compile(r"[\ud800-\udfff]")


def to_json(value):
    """The value as compact JSON text, which UTF-8 can always encode: a lone surrogate is
    written as its escape, as JSON.stringify writes it."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return LONE_SURROGATE.sub(lambda found: f"\\u{ord(found.group()):04x}", text)


def json_error(status, sentence):
    """An /api answer that refuses: {"error": sentence}, in JSON like every /api answer."""
    return status, to_json({"error": sentence}), JSON


def media_type(headers):
    """The Content-Type without its parameters, in lowercase ("" if none):
    "Application/JSON; charset=utf-8" -> "application/json"."""
    return headers.get("content-type", "").split(";")[0].strip(" \t").lower()


def body_text(body):
    """The body as text, or None if its bytes are not UTF-8."""
    try:
        # Strict: a bad byte is an error, not a quiet U+FFFD. "-sig" drops a BOM at the start,
        # as JavaScript's TextDecoder does (RFC 8259 §8.1 lets a JSON reader ignore it)
        return body.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None


def refuse_constant(name):
    # json.loads takes NaN, Infinity and -Infinity, which JSON has not (RFC 8259 §6)
    raise ValueError(f"{name} is not JSON")


def json_float(text):
    """A JSON number with a fraction or an exponent, as a float. One too big for a float
    ("1e400") is null, as in JavaScript: json.dumps would write Infinity, which is no JSON."""
    number = float(text)
    return number if math.isfinite(number) else None


def json_int(text):
    """A JSON integer, exact however long. Python 3.11+ refuses int() of over 4,300 digits (a
    guard against slow conversions): such a number is read as a float, as JavaScript reads it."""
    try:
        return int(text)
    except ValueError:
        return json_float(text)


@route("POST", "/api/echo")
def echo(request):
    # The same JSON value back: parsed, then written again ("{ \"a\" : 1 }" comes back as {"a":1})
    body = request["body"]
    if body is None:
        return json_error("411 Length Required", "A POST here needs a Content-Length")
    if media_type(request["headers"]) != JSON:
        return json_error("415 Unsupported Media Type", "Send JSON, with Content-Type: application/json")
    text = body_text(body)
    if text is None:
        return json_error("400 Bad Request", "The body is not UTF-8")
    try:
        value = json.loads(text, parse_constant=refuse_constant, parse_float=json_float, parse_int=json_int)
        # Inside the try too: a value nested too deep to be written again is refused like one
        # too deep to be read (json raises RecursionError for both)
        return "200 OK", to_json(value), JSON
    except (ValueError, RecursionError):  # JSONDecodeError is a ValueError, and so is refuse_constant's
        return json_error("400 Bad Request", "The body is not valid JSON")


@route("POST", "/api/form")
def form(request):
    # A form as browsers send it: the same encoding as a query string, so parse_query reads it
    body = request["body"]
    if body is None:
        return json_error("411 Length Required", "A POST here needs a Content-Length")
    if media_type(request["headers"]) != FORM:
        return json_error("415 Unsupported Media Type", f"Send a form, with Content-Type: {FORM}")
    text = body_text(body)
    fields = None if text is None else parse_query(text)
    if fields is None:
        return json_error("400 Bad Request", "The form is not UTF-8, or has a bad %-escape")
    return "200 OK", to_json(fields), JSON


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
    """Returns (status, body, content type, extra headers) from the table, else from WEB_ROOT."""
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
        # No route has this path: it names a file (or nothing). Routes first: "/" stays the counter
        return serve_file(request, segments)
    # The path exists, not for this method: say which methods it has
    allow = ", ".join(m for m in KNOWN_METHODS if m in allowed)
    return error_page("405 Method Not Allowed", {"Allow": allow})


def content_type(file_name):
    """The Content-Type for a file name, by its extension: "logo.PNG" -> "image/png"."""
    extension = os.path.splitext(file_name)[1].lower()
    return CONTENT_TYPES.get(extension, "application/octet-stream")


def accepts_gzip(value):
    """Whether a request whose Accept-Encoding is value (a str, or None without the field) accepts
    gzip (RFC 9110 §12.5.3): "deflate, gzip;q=0.5" does, "gzip;q=0" and "identity" do not."""
    gzip_weight = None  # the best weight gzip is listed with; None: not listed
    any_weight = None  # the same for "*", every coding the list does not name
    # No field: RFC 9110 would let the server pick any coding, but nc and curl without --compressed
    # would print gzip as binary. This lab's rule: gzip only to who asks. An empty value asks for
    # no coding at all, and splits into one empty entry, which is skipped below
    for entry in (value or "").split(","):
        coding, *parameters = [part.strip(" \t") for part in entry.split(";")]
        coding = coding.lower()  # codings are case-insensitive (§8.4.1): "GZIP" is gzip
        if coding == "":  # "gzip,,br": empty list elements are allowed (RFC 9110 §5.6.1)
            continue
        weight = 1.0  # no weight is q=1
        for parameter in parameters:
            key, _, number = (part.strip(" \t") for part in parameter.partition("="))
            if key.lower() == "q":
                weight = float(number) if QVALUE.fullmatch(number) else None
        if weight is None:  # "q=2", "q=high": an entry that cannot be read does not count
            continue
        # x-gzip is gzip's old name (§8.4.1.3, SHOULD). Listed twice: the best weight counts
        if coding in ("gzip", "x-gzip"):
            gzip_weight = max(gzip_weight or 0.0, weight)
        elif coding == "*":
            any_weight = max(any_weight or 0.0, weight)
    # A weight of 0 is "not acceptable": "gzip;q=0" refuses gzip even beside "*"
    if gzip_weight is not None:
        return gzip_weight > 0
    return any_weight is not None and any_weight > 0


def compressible(content_type):
    """Whether a body of this Content-Type shrinks when compressed: "text/css; charset=utf-8" does,
    "image/png" does not."""
    media = content_type.split(";")[0].strip(" \t").lower()
    return media.startswith("text/") or media in COMPRESSIBLE


def negotiable(content_type, size):
    """Whether the coding of a body of this type and size depends on Accept-Encoding: compressible,
    long enough to be worth it, short enough to compress in memory. Such an answer says Vary:
    Accept-Encoding, compressed or not."""
    return compressible(content_type) and MIN_GZIP_BYTES <= size <= MAX_GZIP_BYTES


def encode_body(body, content_type, accept_encoding):
    """The bytes to send for a body (bytes) of this type, and the fields that say how they are
    coded: gzip with Content-Encoding when the request accepts it and the body is worth it, and
    Vary whenever the answer could have gone either way."""
    if not negotiable(content_type, len(body)):
        return body, {}
    if not accepts_gzip(accept_encoding):
        return body, {"Vary": "Accept-Encoding"}
    # mtime=0: no time in gzip's header, so the same body always compresses to the same bytes.
    # Compressing holds only this client's thread: zlib lets the other threads run while it works
    compressed = gzip.compress(body, compresslevel=GZIP_LEVEL, mtime=0)
    return compressed, {"Content-Encoding": "gzip", "Vary": "Accept-Encoding"}


def encode_response(response, accept_encoding):
    """The response (status, body, content type, extra headers) with its body coded for the
    request's Accept-Encoding. A text body becomes bytes; a file whose coding is negotiable is read
    whole (it may be compressed, and its Content-Length must be known before the head); any other
    file stays open, to be streamed as it is; a generator (a stream) and None (a 304) stay."""
    status, body, content_type, extra_headers = response
    # A stream is never compressed: gzip would hold its lines back until it had enough of them,
    # and a stream's point is that each line arrives as it is made
    if body is None or isinstance(body, types.GeneratorType):
        return response
    if isinstance(body, str):
        body = body.encode("utf-8")
    else:
        size = os.fstat(body.fileno()).st_size
        if not negotiable(content_type, size):
            return response
        with body:
            # For HEAD too: its head says the Content-Length the GET's compressed body has. The size
            # that was checked, as send_file sends it: a file that grows meanwhile stays bounded
            body = body.read(size)
    body, coding_headers = encode_body(body, content_type, accept_encoding)
    return status, body, content_type, {**extra_headers, **coding_headers}


def file_parts(segments):
    """The decoded segments as names to join under WEB_ROOT, or None if one could leave it."""
    parts = []
    for segment in segments:
        if segment in ("", "."):  # "//" and "/./" name the same folder: nothing to add
            continue
        # ".." climbs out. A decoded "/" ("%2F") is a separator the split did not see, and with it
        # a segment like "/etc/passwd" is absolute: os.path.join would drop the root for it.
        # "\" is a separator on Windows; a NUL byte ends a name in C (os functions raise ValueError)
        if segment == ".." or "/" in segment or "\\" in segment or "\x00" in segment:
            return None
        parts.append(segment)
    return parts


def resolve(parts):
    """The real path of WEB_ROOT/parts (symlinks resolved), or None if it is not inside WEB_ROOT."""
    try:
        real = os.path.realpath(os.path.join(WEB_ROOT, *parts))
    except (ValueError, OSError):  # a NUL byte, a name too long, ...: nothing to serve
        return None
    # The check that counts: a symlink inside the root may point anywhere
    if real != WEB_ROOT and not real.startswith(ROOT_PREFIX):
        print(f"Outside the root: {real}", flush=True)
        return None
    return real


def find(segments):
    """What the path names under WEB_ROOT: ("file", real path, name), ("folder", None, None) for a
    folder asked without its final "/", or None if nothing (or nothing that may be served)."""
    parts = file_parts(segments)
    if parts is None:
        return None
    real = resolve(parts)
    if real is None:
        return None
    try:
        info = os.stat(real)
        trailing_slash = segments[-1] == ""
        name = parts[-1] if parts else ""
        if stat.S_ISDIR(info.st_mode):
            if not trailing_slash:
                return "folder", None, None
            # A folder is its index.html, resolved and checked again: it may be a symlink too.
            # No index.html: 404, never a listing of the folder
            name = "index.html"
            real = resolve(parts + [name])
            if real is None:
                return None
            info = os.stat(real)
        elif trailing_slash:  # "/notes.txt/": a file is no folder
            return None
        # A regular file only: opening a FIFO would wait forever, a device may never end
        if not stat.S_ISREG(info.st_mode):
            return None
    except (ValueError, OSError):  # not there, not allowed to look, ...
        return None
    return "file", real, name


def redirect_location(raw_path):
    """Where a folder asked without its final "/" is: the path as it came, plus "/"."""
    # "//host/docs" would send the browser to another host: one leading "/" only
    path = "/" + raw_path.lstrip("/")
    # A header value is visible ASCII: what else came (a raw "é", a CR) is percent-encoded
    escaped = "".join(c if "!" <= c <= "~" else "".join(f"%{b:02X}" for b in c.encode()) for c in path)
    return escaped + "/"


def not_modified_since(headers, mtime):
    """True if If-Modified-Since is a valid date and the file has not changed after it."""
    value = headers.get("if-modified-since")
    if value is None:
        return False
    try:
        since = email.utils.parsedate_to_datetime(value)
        if since.tzinfo is None:  # "-0000" or the asctime form: HTTP dates are in GMT
            since = since.replace(tzinfo=datetime.timezone.utc)
        since = since.timestamp()
    except (TypeError, ValueError, IndexError, OverflowError):  # not a date: ignored
        print(f"If-Modified-Since is no date: {value!r}", flush=True)
        return False
    # Whole seconds: Last-Modified has no fractions, so the date the client saw is int(mtime)
    return int(mtime) <= since


def serve_file(request, segments):
    """Returns (status, body, content type, extra headers) for a file under WEB_ROOT. The body is
    an open file (the caller streams and closes it), or None for a 304 (no body, no length)."""
    found = find(segments)
    if found is None:
        return error_page("404 Not Found")
    kind, real, name = found
    if request["method"] not in ("GET", "HEAD"):
        # Something is there, only not for this method
        return error_page("405 Method Not Allowed", {"Allow": "GET, HEAD"})
    if kind == "folder":
        # RFC 9110 §15.4.2. Without the "/", the page's relative links would point one level up
        location = redirect_location(request["raw_path"])
        link = html.escape(location)  # the path may hold "<" or "&": in a page it is text
        body = f'<h1>301 Moved Permanently</h1><p><a href="{link}">{link}</a></p>'
        return "301 Moved Permanently", body, HTML, {"Location": location}
    try:
        file = open(real, "rb")
    except PermissionError:
        return error_page("403 Forbidden")
    except OSError:  # gone since it was found
        return error_page("404 Not Found")
    info = os.fstat(file.fileno())
    mtime = info.st_mtime
    # IMF-fixdate, in GMT, whole seconds
    extra_headers = {"Last-Modified": email.utils.formatdate(int(mtime), usegmt=True)}
    if not_modified_since(request["headers"], mtime):
        # A 304 MUST carry the Vary the 200 would have (RFC 9110 §15.4.5): a cache stores the
        # 304's fields with the copy it refreshes
        if negotiable(content_type(name), info.st_size):
            extra_headers["Vary"] = "Accept-Encoding"
        file.close()
        return "304 Not Modified", None, None, extra_headers
    print(f"File: {real}", flush=True)
    return "200 OK", file, content_type(name), extra_headers


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
    # body's framing and the body (answer_request); then method, target, encoding, path (respond)
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


def respond(head, body):
    """Returns (status, body, content type, extra headers) for a request whose head check_head
    accepted; body is its bytes, or None if it had none."""
    method, target, version = parse_request(head)
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
        "raw_path": path,  # as the client sent it: a redirect sends it back
        "query": query_table,
        "body": body,
    }
    return dispatch(request, segments)


def generate_head(status_code, content_type, length, extra_headers=None, connection="close"):
    """The status line and the headers, up to the blank line. content_type None: no Content-Type;
    length None: no Content-Length (a 304 has no body to count, a stream's length is not known
    when its head goes out); connection None: no Connection
    field (an HTTP/1.1 connection that stays open)."""
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
    # Text is sent as UTF-8; bytes (a body encode_body coded) as they are
    body = content.encode("utf-8") if isinstance(content, str) else content
    # No body, nothing to describe; for HEAD, the type the GET body would have
    head = generate_head(status_code, content_type if body else None, len(body), extra_headers, connection)
    return head + (body if send_body else b"")


def send_file(client_connection, file, size):
    """Sends size bytes of the open file, one piece at a time: never the whole file in memory."""
    left = size
    while left > 0:
        piece = file.read(min(PIECE_SIZE, left))
        if not piece:  # the file got shorter since its size was read: the client sees a short body
            print("File shorter than its size", flush=True)
            break
        # sendall waits while the socket's buffer is full: the next piece is read only then
        client_connection.sendall(piece)
        left -= len(piece)


def send_response(client_connection, status, body, content_type, extra_headers, send_body, connection):
    """Sends the response; body is text or bytes, an open file (streamed, then closed), a generator
    (its pieces sent as they are made, framed already by frame_stream) or None (a 304)."""
    if body is None:
        client_connection.sendall(generate_head(status, None, None, extra_headers, connection))
    elif isinstance(body, types.GeneratorType):
        # No Content-Length: the body's end is its last chunk, or the close
        client_connection.sendall(generate_head(status, content_type, None, extra_headers, connection))
        if send_body:
            for piece in body:
                # Sent as soon as it is made. A client that has left makes sendall fail: the
                # stream stops there, and no sleep of it is left to run
                client_connection.sendall(piece)
    elif isinstance(body, (str, bytes)):
        client_connection.sendall(generate_response(body, status, content_type, extra_headers, send_body, connection))
    else:
        with body:  # closed however the sending ends
            size = os.fstat(body.fileno()).st_size
            # A file has its type even when empty: the type is the file's, not the body's
            client_connection.sendall(generate_head(status, content_type, size, extra_headers, connection))
            if send_body:
                send_file(client_connection, body, size)


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
    (without it) and the bytes that came after it (the start of the body), None if the client
    left or the head is not whole at deadline (time.monotonic()), or raises HeadTooLarge."""
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
            return data[: end.start()].decode("utf-8", errors="replace"), data[end.end() :]
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


def answer_request(client_connection, head, after_head):
    """Reads the request's body, if its head says it has one, and returns (response, connection,
    rest): the response (status, body, content type, extra headers), its Connection field ("close"
    when the server closes after it) and the bytes after the request (the next one's start). None
    if the client left first."""
    # A refused head, a refused framing, a 408 and a 500 end the connection: after them, where the
    # next request starts is not known for sure, or the server's state is in doubt
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
    try:
        # Every answer, a route's or a file's, is coded for what the client accepts. Inside the
        # try: a file that cannot be read whole is a 500 too
        response = encode_response(respond(head, body), headers.get("accept-encoding"))
    except Exception as error:  # a bug in a handler still gets an answer
        print(f"Handler error: {error!r}", flush=True)
        return error_page("500 Internal Server Error"), "close", b""
    response, connection = frame_stream(response, version, connection_field(version, headers))
    return response, connection, rest


def frame_stream(response, version, connection):
    """The response and its Connection field, with a streamed body (a generator) framed for this
    client: in chunks for HTTP/1.1 (Transfer-Encoding: chunked, RFC 9112 §7.1), as it is for
    HTTP/1.0, which cannot read chunks (a server MUST NOT send them, §6.1). Then nothing but the
    close can end the body (§6.3), so the server closes after it. Other responses are unchanged."""
    status, body, content_type, extra_headers = response
    if not isinstance(body, types.GeneratorType):
        return response, connection
    if version == "HTTP/1.0":
        return response, "close"
    # No Content-Length beside it: a message MUST NOT have both (RFC 9112 §6.2)
    return (status, chunks_of(body), content_type, {**extra_headers, "Transfer-Encoding": "chunked"}), connection


def chunks_of(pieces):
    """The pieces (bytes, as a generator makes them) as chunks, each as soon as it is made, then
    the last chunk."""
    for piece in pieces:
        if piece:  # an empty chunk would end the body
            yield chunk(piece)
    yield chunk(b"")


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
        head, after_head = read
        print(f"--- Received ---\n{head}\n----------------", flush=True)
        request_line = parse_request(head)
        if request_line is None:
            print("Could not parse the request line", flush=True)
        else:
            print(f"path: {request_line[1]}", flush=True)
        answered = answer_request(client_connection, head, after_head)
        if answered is None:
            return
        (status, body, content_type, extra_headers), connection, received = answered
        # HEAD: same status and headers, no body (once the request line could be read)
        send_body = request_line is None or request_line[0] != "HEAD"
        send_response(client_connection, status, body, content_type, extra_headers, send_body, connection)
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
    print(f"Serving files from {WEB_ROOT}", flush=True)
    if not os.path.isdir(WEB_ROOT):
        print("WEB_ROOT is not a folder: every file path is 404", flush=True)

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
