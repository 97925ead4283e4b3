// Runs a bench script in a fresh Node process and returns the JSON object it
// prints as its last stdout line. Each measurement gets its own process so that
// one implementation's heap, JIT state, sockets and threads never touch another's.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export function runJson(script, args = [], { input, timeoutMs = 180_000 } = {}) {
  return new Promise((resolve, reject) => {
    const env = { ...process.env };
    if (input !== undefined) env.BENCH_INPUT = JSON.stringify(input);
    const child = spawn(process.execPath, [script, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    // Only the end is kept, for an error message: a worker's stderr carries a
    // log line per send, and piling them up would spend this process's CPU
    // on the cores the measured worker uses.
    child.stderr.on('data', (chunk) => (stderr = (stderr + chunk).slice(-16_384)));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const last = stdout.trim().split('\n').pop();
      if (code !== 0) {
        reject(new Error(`${script} ${args.join(' ')} exited with ${code ?? signal}: ${stderr.trim() || last}`));
        return;
      }
      try {
        resolve(JSON.parse(last));
      } catch {
        reject(new Error(`${script} ${args.join(' ')} printed no JSON: ${stdout}${stderr}`));
      }
    });
  });
}

/**
 * Starts the canned loopback responder (bench/responder.mjs) in its own
 * process; resolves to { child, port } once it listens.
 */
export const startResponder = () =>
  new Promise((resolve, reject) => {
    const script = path.join(path.dirname(fileURLToPath(import.meta.url)), 'responder.mjs');
    const child = spawn(process.execPath, [script], { stdio: ['ignore', 'pipe', 'inherit'] });
    child.once('error', reject);
    child.stdout.once('data', (chunk) => resolve({ child, port: JSON.parse(String(chunk).split('\n')[0]).port }));
  });
