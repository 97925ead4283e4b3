// A real Redis for the tests: Debian's redis-server on a free loopback port,
// started and stopped by the test (nothing persisted), and a minimal RESP
// client to look at the counters from outside the addon.
import { spawn, spawnSync } from 'node:child_process';
import net from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

const found = spawnSync('redis-server', ['--version'], { encoding: 'utf8' });
/** Why the Redis tests cannot run here, or undefined. */
export const redisMissing =
  found.status === 0 ? undefined : 'redis-server is not installed (Debian: apt-get install redis-server; .ci/run installs it)';

/** A loopback port nothing listens on right now. */
export const freePort = async () => {
  const server = net.createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
};

/** Sends one command and reads one RESP reply (simple, error, integer, bulk, or an array of bulks). */
export const redisCommand = (port, args, password) =>
  new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    const encode = (parts) => `*${parts.length}\r\n${parts.map((p) => `$${Buffer.byteLength(String(p))}\r\n${p}\r\n`).join('')}`;
    let buffer = '';
    let expectAuth = Boolean(password);
    socket.setTimeout(5000, () => socket.destroy(new Error('redis command timed out')));
    socket.on('error', reject);
    socket.on('connect', () => socket.write((password ? encode(['AUTH', password]) : '') + encode(args)));
    socket.on('data', (chunk) => {
      buffer += chunk.toString('utf8');
      for (;;) {
        const reply = parse(buffer);
        if (!reply) return;
        buffer = buffer.slice(reply.length);
        if (expectAuth) {
          expectAuth = false;
          if (reply.error) {
            socket.destroy();
            reject(new Error(reply.error));
            return;
          }
          continue;
        }
        socket.end();
        if (reply.error) reject(new Error(reply.error));
        else resolve(reply.value);
        return;
      }
    });
  });

const parse = (text) => {
  const end = text.indexOf('\r\n');
  if (end < 0) return undefined;
  const head = text.slice(1, end);
  switch (text[0]) {
    case '+':
      return { value: head, length: end + 2 };
    case '-':
      return { error: head, length: end + 2 };
    case ':':
      return { value: Number(head), length: end + 2 };
    case '$': {
      const size = Number(head);
      if (size < 0) return { value: null, length: end + 2 };
      if (text.length < end + 2 + size + 2) return undefined;
      return { value: text.slice(end + 2, end + 2 + size), length: end + 2 + size + 2 };
    }
    case '*': {
      const count = Number(head);
      let offset = end + 2;
      const items = [];
      for (let i = 0; i < count; i += 1) {
        const item = parse(text.slice(offset));
        if (!item) return undefined;
        items.push(item.value);
        offset += item.length;
      }
      return { value: items, length: offset };
    }
    default:
      throw new Error(`unexpected RESP reply: ${JSON.stringify(text.slice(0, 40))}`);
  }
};

/**
 * Starts redis-server on a free loopback port (or `port`), without persistence.
 * `stop()` ends it; `start()` starts it again on the same port, empty;
 * `pause()` / `resume()` freeze and thaw it.
 */
export const startRedis = async ({ password, port } = {}) => {
  const chosen = port ?? (await freePort());
  let child;
  const args = ['--port', String(chosen), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--daemonize', 'no'];
  if (password) args.push('--requirepass', password);
  const start = async () => {
    child = spawn('redis-server', args, { stdio: ['ignore', 'ignore', 'inherit'] });
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.exited = exited;
    // Ready when it answers PING (bounded: 200 tries).
    for (let attempt = 0; attempt < 200; attempt += 1) {
      try {
        if ((await redisCommand(chosen, ['PING'], password)) === 'PONG') return;
      } catch {
        // not listening yet
      }
      if (child.exitCode !== null) throw new Error(`redis-server exited with ${child.exitCode}`);
      await sleep(25);
    }
    throw new Error('redis-server did not answer PING');
  };
  const stop = async () => {
    if (!child || child.exitCode !== null) return;
    child.kill('SIGKILL');
    await child.exited;
  };
  await start();
  return {
    port: chosen,
    url: password ? `redis://:${encodeURIComponent(password)}@127.0.0.1:${chosen}/0` : `redis://127.0.0.1:${chosen}/0`,
    command: (...command) => redisCommand(chosen, command, password),
    start,
    stop,
    /** Freezes the server (SIGSTOP): connections stay open, nothing is answered. */
    pause: () => child.kill('SIGSTOP'),
    resume: () => child.kill('SIGCONT'),
  };
};
