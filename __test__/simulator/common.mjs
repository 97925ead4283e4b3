// Shared machinery for the loopback provider fakes: an HTTP server bound to
// 127.0.0.1 only, request recording, a FIFO of scripted faults, and a close()
// that cannot hang (every socket is tracked and destroyed, stalled ones too).
//
// A provider module supplies `handle(entry, ctx, businessFault)` returning
// `{ status, json, verdict }`, plus `sampleBody()` / `paddedBody(n)` used by
// the transport faults that need a provider-looking JSON body.
import { createServer } from 'node:http';
import { randomInt, randomUUID } from 'node:crypto';

// Far longer than any test; the Rust client pools connections and a server
// that drops idle sockets early invites reuse races that look like flaky
// network failures. close() destroys them anyway.
const KEEP_ALIVE_MS = 65_000;
// Bodies beyond this are counted, not stored: the fakes never need them and a
// runaway client should not exhaust memory.
const MAX_STORED_BODY = 4 * 1024 * 1024;

/** `n` random digits, the first not 0 (receipt and serial ids). */
export const randomDigits = (n) => {
  let s = String(randomInt(1, 10));
  while (s.length < n) s += String(randomInt(0, 10));
  return s;
};

export const newRequestId = (upper) => (upper ? randomUUID().toUpperCase() : randomUUID());

/** Faults answered by the provider logic itself, after validation passes. */
const isBusinessFault = (f) => f && (f.businessCode !== undefined || f.errorCode !== undefined);

/**
 * Start a simulator. Returns the public object described in README.md in
 * this folder (endpoint, requests, reset, script, close, clockSkewSeconds…);
 * provider modules add their own fields (accounts, templates…) to it.
 */
export async function startSimulator({ provider, endpointPath = '', options = {} }) {
  const sockets = new Set();
  const timers = new Set();
  let faults = [];

  const sim = {
    endpoint: '',
    port: 0,
    requests: [],
    /** TCP connections accepted so far (reset() does not clear it). */
    connections: 0,
    /** Connections open now. */
    get openConnections() {
      return sockets.size;
    },
    clockSkewSeconds: options.clockSkewSeconds ?? 0,
    /** Simulator clock in ms: real time (or options.now) plus the skew. */
    now() {
      return (options.now ? options.now() : Date.now()) + sim.clockSkewSeconds * 1000;
    },
    script(fault) {
      if (!fault || typeof fault !== 'object') throw new TypeError('script(fault) needs a fault object');
      faults.push(fault);
      return sim;
    },
    /** Faults still queued (not yet consumed by a request). */
    get pendingFaults() {
      return faults.length;
    },
    reset() {
      sim.requests.length = 0;
      faults = [];
      provider.reset?.();
    },
    close,
  };

  const server = createServer({ keepAlive: true }, (req, res) => {
    const chunks = [];
    let size = 0;
    req.on('data', (chunk) => {
      size += chunk.length;
      if (size <= MAX_STORED_BODY) chunks.push(chunk);
    });
    req.on('end', () => {
      const rawBody = Buffer.concat(chunks);
      onRequest(req, res, rawBody).catch((err) => {
        // A bug in the fake must be loud in the test output, not a hang.
        console.error('[simulator] internal error', err);
        if (!res.headersSent) sendJson(res, 500, { simulatorError: String(err?.stack ?? err) });
      });
    });
  });
  server.keepAliveTimeout = options.keepAliveTimeoutMs ?? KEEP_ALIVE_MS;
  server.headersTimeout = Math.max(server.keepAliveTimeout + 1000, 60_000);
  server.requestTimeout = 0; // stalled requests are the point of some tests
  server.on('connection', (socket) => {
    sim.connections += 1;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  async function onRequest(req, res, rawBodyBuf) {
    const url = new URL(req.url, 'http://127.0.0.1');
    const entry = {
      method: req.method,
      path: url.pathname,
      url: req.url,
      headers: { ...req.headers },
      rawHeaders: [...req.rawHeaders],
      rawBody: rawBodyBuf.toString('utf8'),
      receivedAt: Date.now(),
      status: undefined,
      response: undefined,
      verdict: undefined,
    };
    // Exact bytes for signature checks; non-enumerable so that printing or
    // JSON-dumping the recorded requests stays readable.
    Object.defineProperty(entry, 'rawBodyBytes', { value: rawBodyBuf, enumerable: false });
    provider.parse(entry, url);
    // Recorded before answering: tests count arrivals ("at most one request
    // per send"), including ones that only get a scripted fault.
    sim.requests.push(entry);
    const fault = faults.shift();
    await answer(entry, req, res, fault);
  }

  async function answer(entry, req, res, fault) {
    // The provider's clock, skew included: what the doctor's clock check reads.
    res.setHeader('date', new Date(sim.now()).toUTCString());
    if (!fault || isBusinessFault(fault)) {
      const { status, json, verdict } = provider.handle(entry, fault);
      entry.status = status;
      entry.response = json;
      entry.verdict = verdict;
      sendJson(res, status, json);
      return;
    }
    if (fault.delayMs !== undefined) {
      await new Promise((resolve) => {
        const t = setTimeout(() => {
          timers.delete(t);
          resolve();
        }, fault.delayMs);
        timers.add(t);
      });
      if (res.destroyed || res.socket?.destroyed) {
        entry.verdict = 'scripted:delay(client gone)';
        return;
      }
      return answer(entry, req, res, fault.then);
    }
    if (fault.stallBeforeHeaders) {
      entry.verdict = 'scripted:stallBeforeHeaders';
      return; // the socket stays open until the client gives up or close()
    }
    if (fault.redirect !== undefined) {
      const status = fault.status ?? 307;
      const json = { redirect: fault.redirect };
      record(entry, status, json, 'scripted:redirect');
      const body = JSON.stringify(json);
      res.writeHead(status, {
        location: fault.redirect,
        'content-type': 'application/json;charset=utf-8',
        'content-length': Buffer.byteLength(body),
      });
      res.end(body);
      return;
    }
    if (fault.stallMidBody || fault.resetMidResponse) {
      const body = Buffer.from(JSON.stringify(provider.sampleBody()), 'utf8');
      const half = body.subarray(0, Math.max(1, Math.floor(body.length / 2)));
      const status = fault.status ?? 200;
      record(entry, status, half.toString('utf8'), fault.stallMidBody ? 'scripted:stallMidBody' : 'scripted:resetMidResponse');
      res.writeHead(status, { 'content-type': 'application/json;charset=utf-8', 'content-length': body.length });
      // Content-Length promises the whole body; only half ever arrives.
      res.write(half, () => {
        if (fault.resetMidResponse) res.socket?.destroy();
      });
      return;
    }
    if (fault.bodyBytes !== undefined) {
      const text = provider.paddedBody(fault.bodyBytes);
      record(entry, 200, text, 'scripted:bodyBytes');
      const headers = { 'content-type': 'application/json;charset=utf-8' };
      // chunked: true leaves Content-Length out, so the cap must be enforced
      // while streaming rather than from the header.
      if (!fault.chunked) headers['content-length'] = Buffer.byteLength(text);
      res.writeHead(200, headers);
      res.end(text);
      return;
    }
    if (fault.raw !== undefined) {
      const status = fault.status ?? 200;
      record(entry, status, fault.raw, 'scripted:raw');
      res.writeHead(status, {
        'content-type': fault.contentType ?? 'text/html; charset=utf-8',
        'content-length': Buffer.byteLength(fault.raw),
      });
      res.end(fault.raw);
      return;
    }
    if (fault.status !== undefined) {
      const json = fault.json ?? {};
      record(entry, fault.status, json, 'scripted:status');
      sendJson(res, fault.status, json);
      return;
    }
    throw new Error(`unknown scripted fault ${JSON.stringify(fault)}`);
  }

  function record(entry, status, response, verdict) {
    entry.status = status;
    entry.response = response;
    entry.verdict = verdict;
  }

  async function close() {
    for (const t of timers) clearTimeout(t);
    timers.clear();
    const closed = new Promise((resolve) => server.close(() => resolve()));
    for (const socket of sockets) socket.destroy();
    sockets.clear();
    await closed;
  }

  await new Promise((resolve, reject) => {
    server.once('error', reject);
    // Loopback only, never 0.0.0.0: the fake must not be reachable from outside.
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  sim.port = server.address().port;
  sim.endpoint = `http://127.0.0.1:${sim.port}${endpointPath}`;
  sim.server = server;
  return sim;
}

export function sendJson(res, status, json) {
  const body = JSON.stringify(json);
  res.writeHead(status, {
    'content-type': 'application/json;charset=utf-8',
    'content-length': Buffer.byteLength(body),
  });
  res.end(body);
}

/**
 * A syntactically valid JSON document of exactly `n` bytes built from
 * `skeleton(pad)` (pad = a run of "x" inside a string). Below the skeleton's
 * own size it degrades to `n` spaces, which still is "JSON-looking" enough to
 * exercise the size cap.
 */
export function padJson(n, skeleton) {
  const base = Buffer.byteLength(skeleton(''));
  if (n < base) return ' '.repeat(Math.max(0, n));
  return skeleton('x'.repeat(n - base));
}

/** Normalise a path option into "/..." (or "" when none is wanted). */
export function normalisePath(path, fallback) {
  if (path === undefined) return fallback;
  if (path === '') return '';
  return path.startsWith('/') ? path : `/${path}`;
}
