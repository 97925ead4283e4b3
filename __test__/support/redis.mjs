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
const cli = spawnSync('redis-cli', ['--version'], { encoding: 'utf8' });
/** Why the Redis Cluster tests cannot run here (they need redis-cli too), or undefined. */
export const clusterMissing =
  redisMissing ?? (cli.status === 0 ? undefined : 'redis-cli is not installed (Debian: apt-get install redis-tools; .ci/run installs it)');

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

/** Runs redis-cli (Debian's redis-tools, a dependency of redis-server) and returns its stdout. */
export const redisCli = (args, { input } = {}) =>
  new Promise((resolve, reject) => {
    const child = spawn('redis-cli', args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve(stdout) : reject(new Error(`redis-cli ${args.join(' ')} exited ${code}: ${stderr}${stdout}`))));
    child.stdin.end(input ?? '');
  });

/**
 * A Redis Cluster of three primaries on free loopback ports (each with its
 * own free cluster-bus port), in a fresh temporary directory, nothing
 * persisted. Ready once every node reports cluster_state:ok. `command(...)`
 * follows redirections (redis-cli -c); `stop()` ends the nodes by PID.
 */
export const startRedisCluster = async () => {
  const { mkdtemp, rm } = await import('node:fs/promises');
  const os = await import('node:os');
  const path = await import('node:path');
  const dir = await mkdtemp(path.join(os.tmpdir(), 'logto-sms-cluster-'));
  const nodes = [];
  const stop = async () => {
    await Promise.all(
      nodes.map(async ({ child }) => {
        if (child.exitCode !== null || child.signalCode !== null) return;
        child.kill('SIGKILL');
        await child.exited;
      })
    );
    await rm(dir, { recursive: true, force: true });
  };
  try {
    for (let i = 0; i < 3; i += 1) {
      const port = await freePort();
      const bus = await freePort();
      const child = spawn(
        'redis-server',
        ['--port', String(port), '--cluster-port', String(bus), '--bind', '127.0.0.1', '--cluster-enabled', 'yes',
          '--cluster-config-file', path.join(dir, `nodes-${port}.conf`), '--dir', dir, '--save', '', '--appendonly', 'no', '--daemonize', 'no'],
        { stdio: ['ignore', 'ignore', 'inherit'] }
      );
      child.exited = new Promise((resolve) => child.once('exit', resolve));
      nodes.push({ port, child });
    }
    for (const { port, child } of nodes) {
      let up = false;
      for (let attempt = 0; attempt < 200 && !up; attempt += 1) {
        up = await redisCommand(port, ['PING']).then((r) => r === 'PONG', () => false);
        if (!up) {
          if (child.exitCode !== null) throw new Error(`cluster node redis-server exited with ${child.exitCode}`);
          await sleep(25);
        }
      }
      if (!up) throw new Error('a cluster node did not answer PING');
    }
    await redisCli(['--cluster', 'create', ...nodes.map(({ port }) => `127.0.0.1:${port}`), '--cluster-replicas', '0', '--cluster-yes']);
    for (const { port } of nodes) {
      let ok = false;
      for (let attempt = 0; attempt < 400 && !ok; attempt += 1) {
        ok = String(await redisCommand(port, ['CLUSTER', 'INFO'])).includes('cluster_state:ok');
        if (!ok) await sleep(25);
      }
      if (!ok) throw new Error('the cluster did not reach cluster_state:ok');
    }
  } catch (error) {
    await stop();
    throw error;
  }
  const [first, ...others] = nodes.map(({ port }) => port);
  return {
    ports: nodes.map(({ port }) => port),
    url: `redis://127.0.0.1:${first}/?cluster=1${others.map((p) => `&host=127.0.0.1:${p}`).join('')}`,
    /** One command on the node that holds its key (redis-cli -c follows MOVED). */
    command: async (...args) => (await redisCli(['-c', '-p', String(first), ...args])).trim(),
    stop,
  };
};
