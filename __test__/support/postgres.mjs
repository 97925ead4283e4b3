// A real PostgreSQL for the tests: Debian's server binaries, a cluster made
// with initdb in a temporary folder as the `postgres` user, started on a free
// loopback port (TLS on, with the loopback test certificate) and stopped by
// its PID. Nothing outside the temporary folder is touched.
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, copyFileSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

import pg from 'pg';

import { freePort } from './redis.mjs';

const fixtures = new URL('../fixtures/', import.meta.url).pathname;

const binDir = () => {
  const base = '/usr/lib/postgresql';
  if (!existsSync(base)) return undefined;
  const versions = readdirSync(base).filter((v) => existsSync(path.join(base, v, 'bin', 'initdb'))).sort((a, b) => Number(b) - Number(a));
  return versions.length > 0 ? path.join(base, versions[0], 'bin') : undefined;
};

const user = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
const uid = Number(user.stdout);
const gid = Number(spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).stdout);

/** Why the PostgreSQL tests cannot run here, or undefined. */
export const postgresMissing = !binDir()
  ? 'PostgreSQL server binaries not found (Debian: apt-get install postgresql; .ci/run installs it)'
  : user.status !== 0
    ? 'no postgres user (Debian: apt-get install postgresql)'
    : process.getuid?.() !== 0
      ? 'the PostgreSQL tests start a cluster as the postgres user, which needs root'
      : undefined;

// Run as the postgres user directly (not through runuser or su, which stand
// between the test and the server's PID and delay signals).
const asPostgres = (command, args) => spawnSync(command, args, { encoding: 'utf8', uid, gid, cwd: '/' });

/** Starts a cluster whose superuser `postgres` has `password`; `stop()` ends it. */
export const startPostgres = async ({ password }) => {
  const bin = binDir();
  const dir = mkdtempSync(path.join(tmpdir(), 'logto-sms-pg-'));
  chmodSync(dir, 0o700);
  chownSync(dir, uid, gid);
  const data = path.join(dir, 'data');
  const pwfile = path.join(dir, 'pw');
  writeFileSync(pwfile, `${password}\n`);
  chownSync(pwfile, uid, gid);
  const init = asPostgres(path.join(bin, 'initdb'), ['-D', data, '-U', 'postgres', '--pwfile', pwfile, '-A', 'scram-sha-256', '--no-sync']);
  if (init.status !== 0) throw new Error(`initdb failed: ${init.stderr}`);
  for (const name of ['untrusted-cert.pem', 'untrusted-key.pem']) {
    const target = path.join(data, name);
    copyFileSync(path.join(fixtures, name), target);
    chownSync(target, uid, gid);
    chmodSync(target, 0o600);
  }
  const port = await freePort();
  const child = spawn(
    path.join(bin, 'postgres'),
    ['-D', data, '-p', String(port), '-k', dir, '-c', 'listen_addresses=127.0.0.1',
      '-c', 'ssl=on', '-c', 'ssl_cert_file=untrusted-cert.pem', '-c', 'ssl_key_file=untrusted-key.pem', '-c', 'fsync=off'],
    { stdio: ['ignore', 'ignore', 'pipe'], uid, gid, cwd: '/' },
  );
  let log = '';
  child.stderr.on('data', (chunk) => (log += chunk));
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const url = `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/postgres`;
  const query = async (text, values) => {
    const client = new pg.Client({ connectionString: url, ssl: false });
    await client.connect();
    try {
      return await client.query(text, values);
    } finally {
      await client.end();
    }
  };
  for (let attempt = 0; ; attempt += 1) {
    try {
      await query('SELECT 1');
      break;
    } catch (error) {
      if (child.exitCode !== null || attempt > 200) throw new Error(`postgres did not start: ${error.message}\n${log}`);
      await sleep(50);
    }
  }
  return {
    port,
    url,
    query,
    stop: async () => {
      if (child.exitCode === null) {
        // SIGINT is PostgreSQL's fast shutdown.
        child.kill('SIGINT');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
};
