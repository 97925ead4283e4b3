// Runs a Node script in a network namespace of its own (util-linux `unshare`,
// iproute2 `ip`; needs root, as the tests' machines run): only a loopback
// interface, no route off the machine, and TCP counters that count nothing but
// that script's connections.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Runs `node script ...args` inside a fresh network namespace; resolves to its stdout. */
export const inNetworkNamespace = async (script, args, env = {}) => {
  const { stdout } = await run(
    'unshare',
    ['--net', 'sh', '-c', 'ip link set lo up && exec "$0" "$@"', process.execPath, script, ...args],
    { env: { ...process.env, ...env }, timeout: 60_000 }
  );
  return stdout;
};
