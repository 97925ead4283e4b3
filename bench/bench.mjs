// `npm run bench`: ours against the official npm connectors, both providers,
// same run, same loopback responder. Steps:
//  1. request equivalence against the real (verifying) simulators;
//  2. start the canned responder (own process), capture one real request of ours
//     per provider from it (for the rawPost ceiling and the load generator);
//  3. import + createConnector time, in fresh processes;
//  4. R rounds of: responder saturation, then per concurrency one worker process
//     per implementation, in a start order that rotates from cell to cell;
//     then R rounds of the SMS router against our direct connector (both in one
//     process, alternating blocks of sends);
//  5. the Markdown report, on stdout and in bench/RESULTS.md.
//
// Options: --rounds N (default 3), --quick (1 round, smaller bursts).
import { execFileSync } from 'node:child_process';
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';

import { runJson, startResponder } from './child.mjs';
import { checkEquivalence } from './equivalence.mjs';
import { BENCH_ADDON, PROVIDERS, ROOT, benchBinding, benchConfig, captureOurs, officialPackage, oursEntry } from './impls.mjs';
import { CONCURRENCIES, ROUTER_CONCURRENCIES, renderReport } from './report.mjs';

const BENCH = path.join(ROOT, 'bench');
const { values: opts } = parseArgs({ options: { rounds: { type: 'string' }, quick: { type: 'boolean', default: false } } });
const quick = opts.quick;
const settings = {
  rounds: Number(opts.rounds ?? (quick ? 1 : 3)),
  // Timed sends per burst (c = 1 / c ≥ 16). The native paths (ours, ceiling) get
  // more so that their bursts, ~10× faster, still last long enough to measure.
  n: {
    official: quick ? { small: 200, large: 1000 } : { small: 600, large: 3000 },
    native: quick ? { small: 600, large: 3000 } : { small: 2000, large: 10000 },
  },
  warmupLarge: quick ? 200 : 500,
  warmupSmall: quick ? 50 : 100,
  importReps: quick ? 5 : 15,
  loadgen: { procs: 2, concurrency: 128, durationMs: quick ? 1000 : 2000 },
  // The router stage: alternating blocks of sends (c = 1 / c = 64) per pair.
  router: { pairs: quick ? 6 : 16, small: quick ? 300 : 1000, large: quick ? 1000 : 2000 },
};
if (!Number.isInteger(settings.rounds) || settings.rounds < 1) throw new Error('--rounds must be a positive integer');

const log = (...args) => console.error('[bench]', ...args);
const rotate = (list, by) => list.map((_, i) => list[(i + by) % list.length]);
const failures = [];
const notes = [];

// ---- environment -----------------------------------------------------------
const require = createRequire(import.meta.url);
const pkgVersion = (name) => JSON.parse(readFileSync(path.join(path.dirname(require.resolve(name)), '..', 'package.json'), 'utf8')).version;
const rustc = (() => {
  try {
    return execFileSync('rustc', ['--version'], { encoding: 'utf8' }).trim();
  } catch {
    return 'rustc: not found';
  }
})();
const args = process.argv.slice(2).join(' ');
const viaNpm = process.env.npm_lifecycle_event === 'bench';
const env = {
  command: (viaNpm ? `npm run bench -- ${args}` : `node bench/bench.mjs ${args}`).replace(/( --)? *$/, ''),
  timestamp: new Date().toISOString(),
  cpu: os.cpus()[0]?.model ?? 'unknown CPU',
  cores: os.cpus().length,
  os: `${os.type()} ${os.release()} ${os.arch()}`,
  node: process.version,
  rustc,
  versions: { aliyun: pkgVersion(officialPackage('aliyun')), tencent: pkgVersion(officialPackage('tencent')) },
  loadStart: os.loadavg()[0],
  ...settings,
};
if (env.loadStart > 1.5) log(`load average ${env.loadStart.toFixed(2)}: the machine is busy, numbers will not be representative`);

// ---- 1. equivalence ----------------------------------------------------------
log('checking request equivalence against the simulators');
const equivalence = await checkEquivalence();
const unexpected = equivalence.filter((r) => r.verdict === 'UNEXPECTED');
if (unexpected.length > 0) {
  console.error(unexpected);
  throw new Error('the implementations do not send equivalent requests; not timing them');
}

// ---- 2. responder and capture ----------------------------------------------------
const { child: responder, port } = await startResponder();
process.on('exit', () => responder.kill());
const endpoints = { aliyun: `http://127.0.0.1:${port}/`, tencent: `http://127.0.0.1:${port}` };
const configs = Object.fromEntries(await Promise.all(PROVIDERS.map(async (p) => [p, await benchConfig(p, endpoints[p])])));

const requests = {};
for (const provider of PROVIDERS) requests[provider] = await captureOurs(provider, { port, endpoint: endpoints[provider], config: configs[provider] });

/**
 * rawPost lives only in a build with the cargo feature `bench`: this machine's
 * binary, built into its own target dir (target/bench/, so the shipped build's
 * outputs are untouched; about 2 minutes the first time, seconds after).
 */
const buildBenchAddon = () => {
  const targetDir = path.join(ROOT, 'target', 'bench');
  const library = { darwin: 'liblogto_sms_native.dylib', win32: 'logto_sms_native.dll' }[process.platform] ?? 'liblogto_sms_native.so';
  log('building the benchmark addon (cargo feature `bench`, for rawPost) into target/bench');
  try {
    execFileSync('cargo', ['build', '--release', '--lib', '--features', 'bench', '--target-dir', targetDir], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
    copyFileSync(path.join(targetDir, 'release', library), BENCH_ADDON);
    return typeof benchBinding().Sends?.prototype.rawPost === 'function';
  } catch (error) {
    log(`the benchmark addon could not be built: ${error.message}`);
    return false;
  }
};
const ceilingAvailable = buildBenchAddon();
if (!ceilingAvailable) {
  notes.push('the benchmark addon (cargo feature `bench`, which adds `rawPost`) could not be built: the ceiling was not measured.');
  log(notes.at(-1));
}
const IMPLS = ceilingAvailable ? ['official', 'ours', 'ceiling'] : ['official', 'ours'];

// ---- 3. import + createConnector -------------------------------------------
const imports = Object.fromEntries(PROVIDERS.map((p) => [p, { official: [], ours: [] }]));
log(`import timing: ${settings.importReps} fresh processes per implementation and provider`);
const importCells = PROVIDERS.flatMap((provider) => ['official', 'ours'].map((impl) => ({ provider, impl })));
for (let i = 0; i < settings.importReps; i += 1) {
  for (const { provider, impl } of rotate(importCells, i)) {
    const { ms } = await runJson(path.join(BENCH, 'import-time.mjs'), [impl, provider]);
    imports[provider][impl].push(ms);
  }
}

// ---- 4. rounds -------------------------------------------------------------------
async function saturation(provider) {
  const { procs, concurrency, durationMs } = settings.loadgen;
  const input = { port, request: requests[provider], concurrency, startAt: Date.now() + 700, durationMs };
  const results = await Promise.all(Array.from({ length: procs }, () => runJson(path.join(BENCH, 'loadgen.mjs'), [], { input })));
  const errors = results.reduce((sum, r) => sum + r.errors, 0);
  if (errors > 0) failures.push(`responder saturation (${provider}): ${errors} failed requests`);
  return results.reduce((sum, r) => sum + r.perSec, 0);
}

const runs = Object.fromEntries(PROVIDERS.map((p) => [p, Object.fromEntries(IMPLS.map((i) => [i, {}]))]));
const saturationRates = Object.fromEntries(PROVIDERS.map((p) => [p, []]));
let cellIndex = 0;
for (let round = 0; round < settings.rounds; round += 1) {
  for (const provider of PROVIDERS) {
    log(`round ${round + 1}/${settings.rounds} ${provider}: responder saturation`);
    saturationRates[provider].push(await saturation(provider));
    for (const concurrency of CONCURRENCIES) {
      const large = concurrency > 1;
      for (const impl of rotate(IMPLS, cellIndex++)) {
        const input = {
          impl,
          provider,
          endpoint: endpoints[provider],
          config: configs[provider],
          request: requests[provider],
          concurrency,
          n: settings.n[impl === 'official' ? 'official' : 'native'][large ? 'large' : 'small'],
          // At least two sends per lane, so every connection is open before the clock starts.
          warmup: Math.max(large ? settings.warmupLarge : settings.warmupSmall, 2 * concurrency),
        };
        let result;
        try {
          result = await runJson(path.join(BENCH, 'worker.mjs'), [], { input });
        } catch (error) {
          result = { failed: error.message };
          failures.push(`${provider} ${impl} c=${concurrency} round ${round + 1}: worker failed: ${error.message}`);
        }
        if (result.errors > 0) {
          failures.push(`${provider} ${impl} c=${concurrency} round ${round + 1}: ${result.errors} failed sends, first: ${result.firstError}`);
        }
        log(
          `  ${provider} ${impl.padEnd(8)} c=${String(concurrency).padEnd(3)} ` +
            (result.failed ? 'FAILED' : `${Math.round(result.sendsPerSec)}/s p99 ${result.p99.toFixed(2)} ms errors ${result.errors}`)
        );
        (runs[provider][impl][concurrency] ??= []).push(result);
      }
    }
  }
}
// ---- 4b. the SMS router against the direct connector ------------------------------
// Same provider, same responder, one account taking every number: what routing
// (its config, the route, the cool-down record, the attempts) adds per send.
// Both in one process per round, alternating blocks (bench/router.mjs).
const routerRuns = Object.fromEntries(PROVIDERS.map((p) => [p, {}]));
for (let round = 0; round < settings.rounds; round += 1) {
  for (const provider of PROVIDERS) {
    for (const concurrency of ROUTER_CONCURRENCIES) {
      const large = concurrency > 1;
      const input = {
        provider,
        endpoint: endpoints[provider],
        config: configs[provider],
        concurrency,
        n: large ? settings.router.large : settings.router.small,
        pairs: settings.router.pairs,
        warmup: Math.max(large ? settings.warmupLarge : settings.warmupSmall, 2 * concurrency),
      };
      let result;
      try {
        result = await runJson(path.join(BENCH, 'router.mjs'), [], { input });
      } catch (error) {
        result = { failed: error.message };
        failures.push(`router stage: ${provider} c=${concurrency} round ${round + 1}: worker failed: ${error.message}`);
      }
      if (result.errors > 0) failures.push(`router stage: ${provider} c=${concurrency} round ${round + 1}: ${result.errors} failed sends, first: ${result.firstError}`);
      log(`  router stage ${provider} c=${String(concurrency).padEnd(3)} ` + (result.failed ? 'FAILED' : `direct ${result.directUs.toFixed(1)} µs, router ${result.routerUs.toFixed(1)} µs CPU/send (${result.ratio.toFixed(3)}×)`));
      (routerRuns[provider][concurrency] ??= []).push(result);
    }
  }
}
responder.kill();
env.loadEnd = os.loadavg()[0];

// ---- 5. report -------------------------------------------------------------------
const { procs, concurrency: lgc } = settings.loadgen;
const report = renderReport({
  env,
  equivalence,
  runs,
  routerRuns,
  imports,
  saturation: saturationRates,
  loadgenLabel: `${procs} procs × ${lgc} sockets`,
  failures,
  notes,
});
console.log(report);
writeFileSync(path.join(BENCH, 'RESULTS.md'), report);
if (failures.length > 0) {
  console.error(`\n[bench] ${failures.length} run(s) had ERRORS — see the report.`);
  process.exitCode = 1;
}
