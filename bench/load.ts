/**
 * One load of `npm run bench`: autocannon against one server, in one mode, for a few seconds, and
 * what came of it: answers per second, the latency of every answer (kept as a histogram, so the
 * picture can show the whole distribution and not only two percentiles), and the errors.
 */
import autocannon from "autocannon";

/** Close per request, keep-alive (phase 11 on), ten requests in flight per connection (phase 12 on). */
export type Mode = "close" | "keepAlive" | "pipelined";
export const MODES: Mode[] = ["close", "keepAlive", "pipelined"];
export const PIPELINE_DEPTH = 10;

/** The phase from which a server is expected to take each mode. */
export const FIRST_PHASE: Record<Mode, number> = { close: 3, keepAlive: 11, pipelined: 12 };

/**
 * Latencies in buckets on a log scale: 100 a decade (each 2.3 % wide), from 1 µs to 100 s. Enough
 * to tell 0.80 ms from 0.82 ms, in a fixed 6 KiB whatever the number of answers.
 */
export class LatencyHistogram {
  static readonly PER_DECADE = 100;
  static readonly MIN_MS = 0.001;
  static readonly DECADES = 8;
  readonly counts = new Float64Array(LatencyHistogram.PER_DECADE * LatencyHistogram.DECADES);
  total = 0;

  record(ms: number): void {
    const index = Math.floor(Math.log10(Math.max(ms, LatencyHistogram.MIN_MS) / LatencyHistogram.MIN_MS) * LatencyHistogram.PER_DECADE);
    this.counts[Math.min(index, this.counts.length - 1)]! += 1;
    this.total += 1;
  }

  /** The lower edge of bucket `index`, in ms. */
  static edge(index: number): number {
    return LatencyHistogram.MIN_MS * 10 ** (index / LatencyHistogram.PER_DECADE);
  }

  /** The latency under which `fraction` of the answers came (the middle of its bucket); 0 with no answers. */
  percentile(fraction: number): number {
    if (this.total === 0) return 0;
    const wanted = fraction * this.total;
    let seen = 0;
    for (let index = 0; index < this.counts.length; index++) {
      seen += this.counts[index]!;
      if (seen >= wanted) return Math.sqrt(LatencyHistogram.edge(index) * LatencyHistogram.edge(index + 1));
    }
    return LatencyHistogram.edge(this.counts.length);
  }

  /** The share of the answers that took between `fromMs` and `toMs`. */
  share(fromMs: number, toMs: number): number {
    if (this.total === 0) return 0;
    let inside = 0;
    for (let index = 0; index < this.counts.length; index++) {
      const middle = Math.sqrt(LatencyHistogram.edge(index) * LatencyHistogram.edge(index + 1));
      if (middle >= fromMs && middle < toMs) inside += this.counts[index]!;
    }
    return inside / this.total;
  }
}

export interface LoadResult {
  /** Answers per second, whatever their status. */
  requestsPerSecond: number;
  answers: number;
  /** Answers whose status was not 2xx. */
  non2xx: number;
  /** Connections that failed (refused, reset, timed out), and requests left unanswered when a connection ended. */
  socketErrors: number;
  seconds: number;
  latency: LatencyHistogram;
  /** Set when the load was cut short from outside (the server exited). */
  stoppedBecause?: string;
}

export interface LoadOptions {
  port: number;
  path: string;
  mode: Mode;
  seconds: number;
  connections: number;
  /** Resolves (with a reason) when the load must end at once: the server under load has exited. */
  stop?: Promise<string>;
}

/** The private parts of autocannon's client that `politeClient` changes (autocannon 9). */
interface ClientInternals {
  _doRequest: () => void;
  _connect: () => void;
  pipelinedRequests: { size: () => number; clear: () => void };
  on(event: "headers", listener: (info: { shouldKeepAlive?: boolean }) => void): unknown;
}

/**
 * autocannon writes the next request as soon as an answer is complete, even when that answer said
 * `Connection: close`; RFC 9112 §9.6 says a client MUST NOT send more requests on that connection.
 * The request written into the closing connection is then either lost (and autocannon matches the
 * next connection's answer to it, so latencies grow with every reconnect) or reset by the server's
 * close (an error that is the client's fault). This client waits for the close instead, and counts
 * any request still unanswered when a connection ends.
 */
function politeClient(lost: { count: number }): (client: autocannon.Client) => void {
  return (client) => {
    const internals = client as unknown as ClientInternals;
    let closing = false;
    internals.on("headers", (info) => {
      if (info.shouldKeepAlive === false) closing = true;
    });
    const doRequest = internals._doRequest;
    internals._doRequest = function (this: ClientInternals) {
      if (!closing) doRequest.call(this);
    };
    const connect = internals._connect;
    internals._connect = function (this: ClientInternals) {
      lost.count += this.pipelinedRequests.size();
      this.pipelinedRequests.clear();
      closing = false;
      connect.call(this);
    };
  };
}

export function modeOptions(mode: Mode): Partial<autocannon.Options> {
  if (mode === "close") return { headers: { connection: "close" }, pipelining: 1 };
  return { pipelining: mode === "pipelined" ? PIPELINE_DEPTH : 1 };
}

/** Loads the server on 127.0.0.1:`port` for `seconds` and measures every answer. */
export async function load(options: LoadOptions): Promise<LoadResult> {
  const latency = new LatencyHistogram();
  const lost = { count: 0 };
  let answers = 0;
  let non2xx = 0;
  let stoppedBecause: string | undefined;
  const started = performance.now();
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      {
        url: `http://127.0.0.1:${options.port}${options.path}`,
        connections: options.connections,
        duration: options.seconds,
        // autocannon looks whether to stop at each sample: every 100 ms, so a run ends on time.
        sampleInt: 100,
        // A connection with no answer for this long counts as an error and starts again (GET / is
        // never slow): a server that stalls a connection shows in the errors, not only in req/s.
        timeout: Math.min(5, Math.max(1, options.seconds / 2)),
        setupClient: politeClient(lost),
        ...modeOptions(options.mode),
      },
      (error, result) => (error ? reject(error) : resolve(result)),
    );
    instance.on("response", (_client, statusCode, _bytes, responseTime) => {
      answers += 1;
      if (statusCode < 200 || statusCode > 299) non2xx += 1;
      latency.record(responseTime);
    });
    void options.stop?.then((reason) => {
      stoppedBecause = reason;
      instance.stop();
    });
  });
  const seconds = (performance.now() - started) / 1000;
  return {
    requestsPerSecond: answers / seconds,
    answers,
    non2xx,
    socketErrors: result.errors + lost.count,
    seconds,
    latency,
    stoppedBecause,
  };
}
