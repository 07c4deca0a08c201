/** Small network helpers shared by the tests. */
import net from "node:net";

/** Whether something accepts connections on 127.0.0.1:port right now. */
export function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: "127.0.0.1", port }, () => (socket.destroy(), resolve(true)));
    socket.once("error", () => resolve(false));
  });
}

/** Waits (at most 5 s) until something listens on the port. */
export async function waitForPort(port: number): Promise<void> {
  for (let i = 0; i < 100 && !(await listening(port)); i++) await new Promise((r) => setTimeout(r, 50));
}
