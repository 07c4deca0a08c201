# Phase 2: parse. Read the request head up to the blank line, then print its path.
import os
import socket

HOST = "127.0.0.1"  # not "localhost": that can mean the IPv6 address ::1
PORT = int(os.environ.get("PORT", "8000"))
MAX_HEAD = 64 * 1024


def parse_request(request_data):
    if not request_data:
        return ""
    # The first line is the request line: "GET / HTTP/1.1" (ends in \r\n, \n or nothing)
    first_line = request_data.split("\n")[0].rstrip("\r")
    parts = first_line.split(" ")
    if len(parts) != 3:
        return ""
    method, path, version = parts
    if not method or not path or not version.startswith("HTTP/"):
        return ""
    return path


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
    path = parse_request(head)
    if path == "":
        print("Could not parse the request line", flush=True)
    else:
        print(f"path: {path}", flush=True)


def start_server():
    server_socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server_socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    server_socket.bind((HOST, PORT))
    server_socket.listen(128)
    print(f"Listening on http://{HOST}:{PORT}", flush=True)

    while True:
        client_connection, client_address = server_socket.accept()
        print(f"Connection received from {client_address[0]}:{client_address[1]}", flush=True)
        # A client that stops sending must not block the server forever
        client_connection.settimeout(10)
        try:
            handle_client(client_connection)
        except OSError as error:  # reset, timeout, ...
            print(f"Socket error: {error}", flush=True)
        finally:
            client_connection.close()


if __name__ == "__main__":
    start_server()
