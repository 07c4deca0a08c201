# Phase 1: bind. Accept connections and print the first data each client sends.
import os
import socket

HOST = "127.0.0.1"  # not "localhost": that can mean the IPv6 address ::1
PORT = int(os.environ.get("PORT", "8000"))


def start_server():
    # AF_INET = IPv4, SOCK_STREAM = TCP
    server_socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    # Allow the port to be reused immediately (prevents "Address already in use")
    server_socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    server_socket.bind((HOST, PORT))
    server_socket.listen(128)
    print(f"Listening on http://{HOST}:{PORT}", flush=True)

    while True:
        client_connection, client_address = server_socket.accept()
        print(f"Connection received from {client_address[0]}:{client_address[1]}", flush=True)
        # A client that never sends must not block the server forever
        client_connection.settimeout(10)
        try:
            request_data = client_connection.recv(65536)  # the first chunk, up to 64 KiB
            if request_data:
                text = request_data.decode("utf-8", errors="replace")
                print(f"--- Received ---\n{text}\n----------------", flush=True)
            else:
                print("Client left without sending anything", flush=True)
        except OSError as error:  # reset, timeout, ...
            print(f"Socket error: {error}", flush=True)
        finally:
            client_connection.close()


if __name__ == "__main__":
    start_server()
