# The twin of phase 15's Hono app (app.ts), as a WSGI application (PEP 3333): the interface every
# Python server offers a framework, as Flask, Django and Pyramid use it. Stdlib only. Each route
# answers as the Hono app does: the same status, the same fields the app sets (written as Hono
# writes them), the same body bytes. What Hono does by itself (decoding the path and the query,
# HEAD as a GET without its body, the 404) is done here by hand, the same way.
#
# A WSGI application is a function: app(environ, start_response). environ holds the request (CGI's
# names: REQUEST_METHOD, PATH_INFO, QUERY_STRING, HTTP_* for the fields; wsgi.input for the body);
# start_response(status, headers) gives the status line and the fields; the return value is an
# iterable of byte strings, the body. The server frames it.
import decimal
import email.utils
import json
import math
import os
import re
import time
import urllib.parse

HERE = os.path.dirname(os.path.abspath(__file__))
# The file /static/hello.txt serves: app.ts's public/hello.txt. This file sits beside it in the
# draft, and in test/python once the phase ships (then the phase's folder is two levels up)
HELLO_FILE = next(
    (
        candidate
        for candidate in (
            os.path.join(HERE, "public", "hello.txt"),
            os.path.join(HERE, "..", "..", "phases", "15-framework", "public", "hello.txt"),
        )
        if os.path.isfile(candidate)
    ),
    os.path.join(HERE, "public", "hello.txt"),
)

# The Content-Types exactly as Hono writes them: c.text's "UTF-8" in capitals, c.json's without a
# charset (JSON is UTF-8 by definition, RFC 8259 §8.1), and the static file's type from Hono's
# table of extensions, "utf-8" in lowercase
TEXT = "text/plain; charset=UTF-8"
JSON = "application/json"
TXT_FILE = "text/plain; charset=utf-8"

# Runs of escapes, "%C3%BC": what Hono's decoding tries again, run by run, when the whole fails
ESCAPE_RUN = re.compile(r"(?:%[0-9A-Fa-f]{2})+")
HEX_PAIR = re.compile(r"[0-9A-Fa-f]{2}")
# A path segment that is "." or "..", spelled with "%2e" or not: a URL parser drops it (WHATWG URL)
DOT = re.compile(r"\.|%2e", re.IGNORECASE)
DOUBLE_DOT = re.compile(r"(?:\.|%2e){2}", re.IGNORECASE)
# An absolute-form target, "http://Example.com:80/a": its URL is the target's, not the Host's
ABSOLUTE = re.compile(r"(https?)://([^/?#]*)(.*)", re.IGNORECASE | re.DOTALL)
DEFAULT_PORTS = {"http": 80, "https": 443}
# An array index among an object's keys, "0" to "4294967294": JavaScript lists such keys first,
# in numeric order, whatever order the JSON text gave them
ARRAY_INDEX = re.compile(r"0|[1-9][0-9]{0,9}")
# serveStatic's Range ("bytes=0-4", "bytes=-5", "bytes=3-"); [0-9], as JavaScript's \d
BYTE_RANGE = re.compile(r"(?:bytes=)?(?!-$)([0-9]*)-([0-9]*)")
FILE_PIECE = 64 * 1024


# ---- The URL: what Hono's c.req.url shows, and what it routes on ----


def request_url(environ):
    """The request's URL as Hono sees it (c.req.url): the URL the server built for its Request.

    PEP 3333 rebuilds it as scheme://HTTP_HOST + quote(SCRIPT_NAME + PATH_INFO) + "?" +
    QUERY_STRING. That loses one thing Hono keeps: PATH_INFO is decoded, so "/users/a%2Fb" and
    "/users/a/b" are the same there. When the server gives the target as sent (REQUEST_URI, as
    uWSGI, mod_wsgi and Werkzeug's server do), its path is used instead. Then what a URL parser
    does, as JavaScript's Request does: the scheme and host in lowercase, no default port, no "."
    or ".." segments."""
    scheme = environ.get("wsgi.url_scheme", "http")
    target = environ.get("REQUEST_URI")
    absolute = ABSOLUTE.fullmatch(target) if target else None
    if absolute:
        # The target names its own host: the Host field does not count (RFC 9112 §3.2.2)
        scheme, host, path_and_query = absolute.group(1).lower(), absolute.group(2), absolute.group(3)
        if not path_and_query.startswith("/"):
            path_and_query = "/" + path_and_query
    else:
        host = environ.get("HTTP_HOST")
        if not host:  # HTTP/1.0 may leave Host out: the server's name and port (PEP 3333)
            host = environ["SERVER_NAME"]
            if environ.get("SERVER_PORT") != str(DEFAULT_PORTS.get(scheme)):
                host += ":" + environ["SERVER_PORT"]
        if target:
            path_and_query = target
        else:
            # PATH_INFO is "bytes as latin-1" (PEP 3333): back to those bytes, then escaped again;
            # what a path may hold as it is stays as it is (RFC 3986 pchar)
            raw = (environ.get("SCRIPT_NAME", "") + environ.get("PATH_INFO", "")).encode("latin-1")
            path_and_query = urllib.parse.quote(raw, safe="/!$&'()*+,;=:@")
            if environ.get("QUERY_STRING"):
                path_and_query += "?" + environ["QUERY_STRING"]
    path, question, query = path_and_query.partition("?")
    return f"{scheme}://{url_host(scheme, host)}{without_dot_segments(path)}{question}{query}"


def url_host(scheme, host):
    """The host as a URL parser writes it: "Example.COM:80" -> "example.com", "h:0080" -> "h"."""
    name, colon, port = host.rpartition(":")
    if not colon or "]" in port:  # no port ("h", or "[::1]", whose colons are the address's)
        name, port = host, ""
    if port.isdigit() and port.isascii():
        port = "" if int(port) == DEFAULT_PORTS.get(scheme) else str(int(port))
    return name.lower() + (":" + port if port else "")


def without_dot_segments(path):
    """The path without its "." and ".." segments, as a URL parser removes them: "/users/.." is
    "/", "/a/./b" is "/a/b", "%2e" counts as a dot. Other segments, empty ones too, stay."""
    kept = []
    segments = path[1:].split("/")
    for i, segment in enumerate(segments):
        last = i == len(segments) - 1
        if DOUBLE_DOT.fullmatch(segment):
            if kept:
                kept.pop()
            if last:  # "/a/b/..": the path ends in a folder, "/a/"
                kept.append("")
        elif DOT.fullmatch(segment):
            if last:
                kept.append("")
        else:
            kept.append(segment)
    return "/" + "/".join(kept)


def url_path(url):
    """The path of a URL request_url built: after the host, before the "?"."""
    after_scheme = url.split("://", 1)[1]
    slash = after_scheme.find("/")
    return after_scheme[slash:].split("?", 1)[0]


# ---- Decoding, as Hono decodes (JavaScript's decodeURIComponent, forgiving) ----


def percent_decode(text):
    """JavaScript's decodeURIComponent: every %XX once, as UTF-8, strictly; None where it throws
    (a "%" without two hex digits after it, bytes that are no UTF-8)."""
    data = bytearray()
    i = 0
    while i < len(text):
        if text[i] == "%":
            pair = text[i + 1 : i + 3]
            if not HEX_PAIR.fullmatch(pair):
                return None
            data.append(int(pair, 16))
            i += 3
        else:
            data += text[i].encode("utf-8")
            i += 1
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return None


def hono_decode(text):
    """Hono's decoding of a path parameter or a query value: the whole at once; if that fails,
    each run of escapes on its own, a run that still fails kept as it came. So "%zz" stays "%zz",
    "J%C3%BCrgen%FF" is "Jürgen%FF": Hono never refuses a target for its escapes."""
    if "%" not in text:
        return text
    whole = percent_decode(text)
    if whole is not None:
        return whole

    def run(found):
        decoded = percent_decode(found.group())
        return found.group() if decoded is None else decoded

    return ESCAPE_RUN.sub(run, text)


def query_values(url, key):
    """Every value of key in the URL's query, in order (c.req.queries): "+" is a space, the
    pairs split at "&" and at the first "=" before decoding, a pair without "=" has "" as value."""
    values = []
    _, question, query = url.partition("?")
    if not question:
        return values
    for pair in query.split("&"):
        name, _, value = pair.partition("=")
        if hono_decode(name.replace("+", " ")) == key:
            values.append(hono_decode(value.replace("+", " ")))
    return values


# ---- JSON, as JavaScript's JSON.parse and JSON.stringify (c.req.json, c.json) ----


def refuse_constant(name):
    # json.loads takes NaN, Infinity and -Infinity, which JSON.parse does not (RFC 8259 §6)
    raise ValueError(f"{name} is not JSON")


def js_parse(text):
    """JSON.parse: every number a float (JavaScript has no other), NaN refused. Raises ValueError
    for text that is not JSON."""
    return json.loads(text, parse_int=float, parse_float=float, parse_constant=refuse_constant)


def js_number(number):
    """A float as JavaScript writes it (Number.prototype.toString, ECMA-262 §6.1.6.1.20): 1.0 is
    "1", 1e21 "1e+21", 1e-7 "1e-7"; JSON.stringify writes NaN and the infinities as null."""
    if not math.isfinite(number):
        return "null"
    if number == 0:  # -0 too
        return "0"
    sign = "-" if number < 0 else ""
    # repr gives the shortest digits that read back as the same float, as JavaScript picks them;
    # only their layout differs. The value is 0.digits × 10**point
    digits, point = decimal_digits(abs(number))
    count = len(digits)
    if count <= point <= 21:
        text = digits + "0" * (point - count)
    elif 0 < point <= 21:
        text = digits[:point] + "." + digits[point:]
    elif -6 < point <= 0:
        text = "0." + "0" * -point + digits
    else:
        exponent = point - 1
        mantissa = digits[0] + ("." + digits[1:] if count > 1 else "")
        text = f"{mantissa}e{'+' if exponent >= 0 else '-'}{abs(exponent)}"
    return sign + text


def decimal_digits(number):
    """(digits, point) with number == 0.digits × 10**point, digits shortest: 1.5 -> ("15", 1)."""
    _, digit_tuple, exponent = decimal.Decimal(repr(number)).normalize().as_tuple()
    digits = "".join(map(str, digit_tuple))
    return digits, len(digits) + exponent


def js_stringify(value):
    """JSON.stringify(value) for what js_parse returns, or for the app's own dicts: no spaces;
    an object's array-index keys first, in numeric order, then the others as they came; a lone
    surrogate written as its escape (JSON.stringify keeps its output valid UTF-16)."""
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, (int, float)):
        return js_number(float(value))
    if isinstance(value, str):
        text = json.dumps(value, ensure_ascii=False)
        return re.sub(r"[\ud800-\udfff]", lambda found: f"\\u{ord(found.group()):04x}", text)
    # Loops, not generator expressions: one Python frame per level of nesting, so a value nested
    # as deep as json.loads reads can be written again
    parts = []
    if isinstance(value, list):
        for item in value:
            parts.append(js_stringify(item))
        return "[" + ",".join(parts) + "]"
    indices = sorted((key for key in value if ARRAY_INDEX.fullmatch(key) and int(key) < 2**32 - 1), key=int)
    others = [key for key in value if key not in set(indices)]
    for key in indices + others:
        parts.append(js_stringify(key) + ":" + js_stringify(value[key]))
    return "{" + ",".join(parts) + "}"


def to_bytes(text):
    """Text as UTF-8, as a Response encodes a string body."""
    return text.encode("utf-8")


# ---- The routes ----
# Each gets environ and the URL (request_url), and returns (status, headers, body): body is a list
# of byte strings (its length known, so the server may send a Content-Length) or a generator (made
# while it is sent: the server streams it).


def text(body, status="200 OK", fields=()):
    """c.text(body, status), with more fields if given."""
    return status, [("Content-Type", TEXT), *fields], [to_bytes(body)]


def json_answer(value, status="200 OK"):
    """c.json(value, status)."""
    return status, [("Content-Type", JSON)], [to_bytes(js_stringify(value))]


def index(environ, url):
    return text("Hello from Hono, on a server of your own.")


def user(environ, url, user_id):
    return json_answer({"id": user_id, "url": url})


def search(environ, url):
    q = query_values(url, "q")
    return json_answer({"q": q[0] if q else None, "tags": query_values(url, "tag")})


def headers(environ, url):
    # Two lines of one field came joined by ", " (the server did it, as Headers.get does)
    return json_answer(
        {
            "tag": environ.get("HTTP_X_TAG"),
            "agent": environ.get("HTTP_USER_AGENT"),
            "host": environ.get("HTTP_HOST"),
        }
    )


def echo(environ, url):
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    body = environ["wsgi.input"].read(length)
    # As Request.text() reads a body: UTF-8, a bad byte replaced (never refused), a BOM dropped
    text_body = body.decode("utf-8", "replace").removeprefix("\ufeff")
    try:
        received = js_parse(text_body)
    except (ValueError, RecursionError):
        return json_answer({"error": "The body is not JSON"}, "400 Bad Request")
    return json_answer({"received": received, "type": environ.get("CONTENT_TYPE")}, "201 Created")


def old(environ, url):
    return "301 Moved Permanently", [("Location", "/")], []


def login(environ, url):
    # Two fields of one name: in a WSGI header list they are simply two entries
    return text(
        "two cookies",
        fields=[("Set-Cookie", "session=abc; Path=/; HttpOnly"), ("Set-Cookie", "theme=dark; Path=/")],
    )


def stream_parts():
    for part in range(1, 4):
        if part > 1:
            time.sleep(0.1)
        yield to_bytes(f"part {part}\n")


def stream(environ, url):
    # A generator: the server sends each part as it comes, in chunks (HTTP/1.1) or until the close
    return "200 OK", [("Content-Type", TEXT)], stream_parts()


def empty(environ, url):
    return "204 No Content", [], []


def boom(environ, url):
    raise RuntimeError("boom")


def crash(environ, url):
    raise RuntimeError("crash")


def file_pieces(path, start, count):
    """count bytes of the file from start, a piece at a time."""
    with open(path, "rb") as file:
        file.seek(start)
        while count > 0:
            piece = file.read(min(FILE_PIECE, count))
            if not piece:
                return
            count -= len(piece)
            yield piece


def byte_range(value, size):
    """serveStatic's reading of a Range value: (start, end) inclusive, or None when it cannot be
    served (416). A value it cannot read counts as "bytes=0-", the whole file."""
    found = BYTE_RANGE.fullmatch(value)
    start, end = found.groups() if found else ("0", "")
    if size == 0:
        return None
    if start == "":  # "bytes=-5": the last 5 bytes
        if int(end) == 0:
            return None
        return max(size - int(end), 0), size - 1
    first = int(start)
    last = size - 1 if end == "" else min(int(end), size - 1)
    if first >= size or first > last:
        return None
    return first, last


def static_hello(environ, url):
    # As @hono/node-server's serveStatic answers: the type by extension, Last-Modified, the
    # length; a Range gets 206 (or 416); HEAD gets the head alone
    try:
        info = os.stat(HELLO_FILE)
    except OSError:
        return not_found()
    size = info.st_size
    last_modified = email.utils.formatdate(int(info.st_mtime), usegmt=True)  # as Date.toUTCString()
    fields = [("Content-Type", TXT_FILE), ("Last-Modified", last_modified)]
    range_value = environ.get("HTTP_RANGE", "")
    if environ["REQUEST_METHOD"] == "HEAD":
        return "200 OK", [*fields, ("Content-Length", str(size))], []
    if not range_value:
        return "200 OK", [*fields, ("Content-Length", str(size))], file_pieces(HELLO_FILE, 0, size)
    fields.append(("Accept-Ranges", "bytes"))
    found = byte_range(range_value, size)
    if found is None:
        return "416 Range Not Satisfiable", [*fields, ("Content-Range", f"bytes */{size}")], []
    start, end = found
    fields += [("Content-Length", str(end - start + 1)), ("Content-Range", f"bytes {start}-{end}/{size}")]
    return "206 Partial Content", fields, file_pieces(HELLO_FILE, start, end - start + 1)


def not_found():
    return text("404 Not Found", "404 Not Found")


# Hono's table: (method, path segments after the first "/"). HEAD finds the GET routes
ROUTES = {
    ("GET", ("",)): index,
    ("GET", ("search",)): search,
    ("GET", ("headers",)): headers,
    ("POST", ("echo",)): echo,
    ("GET", ("old",)): old,
    ("GET", ("login",)): login,
    ("GET", ("stream",)): stream,
    ("GET", ("empty",)): empty,
    ("GET", ("boom",)): boom,
    ("GET", ("crash",)): crash,
    ("GET", ("static", "hello.txt")): static_hello,
}


def route(environ):
    """(status, headers, body) for the request, as the Hono app answers it."""
    url = request_url(environ)
    # As Hono routes: on the URL's path, split at each "/" as sent, then decoded ("%2F" is no split)
    segments = tuple(hono_decode(segment) for segment in url_path(url)[1:].split("/"))
    # Hono answers HEAD with its GET route, and drops the body (here the server drops it)
    method = "GET" if environ["REQUEST_METHOD"] == "HEAD" else environ["REQUEST_METHOD"]
    if method == "GET" and len(segments) == 2 and segments[0] == "users" and segments[1] != "":
        return user(environ, url, segments[1])
    handler = ROUTES.get((method, segments))
    if handler is None:
        return not_found()
    return handler(environ, url)


def on_error(error):
    """app.onError: an error becomes a 500 with its message, except "crash", thrown on."""
    if str(error) == "crash":
        raise error
    return text(f"Something broke: {error}", "500 Internal Server Error")


def app(environ, start_response):
    try:
        status, fields, body = route(environ)
    except Exception as error:  # what app.onError gets: an error thrown by a route
        status, fields, body = on_error(error)
    start_response(status, fields)
    return body
