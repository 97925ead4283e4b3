// One measurement in a fresh process: one implementation, one provider, one
// concurrency. Warm-up sends (JIT, connection pool), then a timed burst of N
// sends with `concurrency` in flight; prints one JSON line.
//
// Input (env BENCH_INPUT): { impl, provider, endpoint, config, request, concurrency, n, warmup }
import { readdirSync, readFileSync } from 'node:fs';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';

import { loadImpl } from './impls.mjs';
import { percentile } from './stats.mjs';

const input = JSON.parse(process.env.BENCH_INPUT);
const ELD_RESOLUTION_MS = 1;

/** Sends `n` messages with `concurrency` lanes; records each latency (ms). */
async function burst(send, n, concurrency, latencies) {
  let next = 0;
  let errors = 0;
  let firstError;
  const lane = async () => {
    while (next < n) {
      const i = next++;
      const start = performance.now();
      try {
        await send();
      } catch (error) {
        errors += 1;
        firstError ??= `${error?.code ?? ''} ${error?.message ?? error} ${JSON.stringify(error?.data ?? '')}`.trim();
      }
      if (latencies) latencies[i] = performance.now() - start;
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, n) }, lane));
  return { errors, firstError };
}

/**
 * CPU time of this process's threads, grouped: the main thread (JS and the
 * event loop), tokio workers (our Rust side), everything else (V8 GC/JIT
 * helpers, libuv pool). `ns` is precise (schedstat); user/system split in clock
 * ticks (stat) says how much is kernel time (loopback TCP). Linux only; {} elsewhere.
 */
function threadCpu() {
  const groups = {};
  try {
    for (const tid of readdirSync('/proc/self/task')) {
      const base = `/proc/self/task/${tid}`;
      const ns = Number(readFileSync(`${base}/schedstat`, 'utf8').split(' ')[0]);
      const stat = readFileSync(`${base}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' '); // fields[0] is field 3 (state)
      const name = readFileSync(`${base}/comm`, 'utf8').trim();
      const key = Number(tid) === process.pid ? 'main' : name.startsWith('tokio') || name.startsWith('logto-sms-nat') ? 'rust' : 'other';
      const group = (groups[key] ??= { ns: 0, user: 0, system: 0 });
      group.ns += ns;
      group.user += Number(fields[11]);
      group.system += Number(fields[12]);
    }
  } catch {
    return {};
  }
  return groups;
}

/** Per group: µs per send over the burst, and the kernel's share of that time. */
function threadSummary(before, after, n) {
  const out = {};
  for (const [key, end] of Object.entries(after)) {
    const start = before[key] ?? { ns: 0, user: 0, system: 0 };
    const ticks = end.user - start.user + (end.system - start.system);
    out[key] = { usPerSend: (end.ns - start.ns) / 1000 / n, systemShare: ticks > 0 ? (end.system - start.system) / ticks : NaN };
  }
  return out;
}

const { impl, provider, concurrency, n, warmup } = input;
const target = await loadImpl(impl, provider, input);
try {
  const warm = await burst(target.send, warmup, concurrency);

  const latencies = new Float64Array(n);
  const eld = monitorEventLoopDelay({ resolution: ELD_RESOLUTION_MS });
  const threads0 = threadCpu();
  eld.enable();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const timed = await burst(target.send, n, concurrency, latencies);
  const elapsedMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  eld.disable();
  const threads1 = threadCpu();

  console.log(
    JSON.stringify({
      impl,
      provider,
      concurrency,
      n,
      sendsPerSec: (n / elapsedMs) * 1000,
      p50: percentile(latencies, 50),
      p99: percentile(latencies, 99),
      // The histogram records whole timer intervals; the delay is what exceeds the interval.
      eldP99: Math.max(0, eld.percentile(99) / 1e6 - ELD_RESOLUTION_MS),
      cpuUsPerSend: (cpu.user + cpu.system) / n,
      threads: threadSummary(threads0, threads1, n),
      maxRssMb: process.resourceUsage().maxRSS / 1024,
      errors: warm.errors + timed.errors,
      firstError: warm.firstError ?? timed.firstError,
    })
  );
} finally {
  await target.close();
}
// Pooled keep-alive sockets must not hold the process open.
process.exit(0);
