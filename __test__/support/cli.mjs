// Runs the logto-sms command line of a connector folder (or the repository)
// as its own process, asynchronously: the simulators answer from this one.
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const FOLDERS = {
  aliyun: path.join(repoRoot, 'dist', 'connector-aliyun-sms-native'),
  tencent: path.join(repoRoot, 'dist', 'connector-tencent-sms-native'),
  router: path.join(repoRoot, 'dist', 'connector-sms-router-native'),
};

/** `{ status, stdout, stderr }` of `node <bin> ...args`; `input` goes to stdin. */
export const runBin = (bin, args, { input, env = process.env, cwd } = {}) =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], { env, cwd, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
    child.stdin.end(input ?? '');
  });

/** The folder's own bin. */
export const runFolder = (kind, args, options) => runBin(path.join(FOLDERS[kind], 'bin', 'logto-sms.js'), args, options);

const scratch = mkdtempSync(path.join(tmpdir(), 'logto-sms-cli-'));
let files = 0;
/** A config file holding `config` as JSON. */
export const configFile = (config) => {
  files += 1;
  const file = path.join(scratch, `config-${files}.json`);
  writeFileSync(file, typeof config === 'string' ? config : JSON.stringify(config));
  return file;
};

/** doctor --json for a config: the exit status and the parsed document. */
export const doctor = async (kind, config, extra = []) => {
  const result = await runFolder(kind, ['doctor', '--config', configFile(config), '--json', ...extra]);
  let document;
  try {
    document = JSON.parse(result.stdout);
  } catch {
    throw new Error(`doctor printed no JSON (exit ${result.status}): ${result.stdout}\n${result.stderr}`);
  }
  return { ...result, document, byId: Object.fromEntries(document.checks.map((check) => [check.id, check])) };
};
