// `npm run bench:limits`: what the send limits (CONTRACT §9) cost per send.
//
// One Tencent connector in this process, a canned loopback responder in its
// own process (bench/responder.mjs) and a redis-server started here on a free
// loopback port. Sequential sends (concurrency 1), so each latency is one
// send's; every scenario gets a warm-up and then N timed sends:
//
//   refused by country          no store is asked: the baseline of the refusal path
//   refused by in-process/Redis/Redis Cluster   the budget is full: glue + one store check, no HTTP
//   sent, no limits / in-process / Redis / Redis Cluster   a whole send, 3 budgets counted
//
// The cluster is three primaries started here (redis-cli --cluster create);
// skipped when redis-cli is missing.
//
// "Redis adds" is p50(refused by Redis) − p50(refused by country): the round
// trip and the script, with nothing else in between. The in-process check is
// also timed alone in Rust: `npm run bench:cost` (benches/cost.rs).
//
// Options: --n N timed sends per scenario and round (default 2000), --rounds R (default 3).
import os from 'node:os';
import { parseArgs } from 'node:util';

import { createTencentSmsConnector } from '../index.js';
import { clusterMissing, redisCommand, redisMissing, startRedis, startRedisCluster } from '../__test__/support/redis.mjs';
import { median, percentile } from './stats.mjs';
import { benchConfig } from './impls.mjs';
import { startResponder } from './child.mjs';

const { values: opts } = parseArgs({ options: { n: { type: 'string', default: '2000' }, rounds: { type: 'string', default: '3' } } });
const N = Number(opts.n);
const ROUNDS = Number(opts.rounds);
const WARMUP = Math.max(200, N / 10);
if (redisMissing) throw new Error(redisMissing);

const { child: responder, port } = await startResponder();
const redis = await startRedis();
const cluster = clusterMissing ? undefined : await startRedisCluster();
const connector = await createTencentSmsConnector({ getConfig: async () => ({}) });
const base = await benchConfig('tencent', `http://127.0.0.1:${port}`);
const data = { to: '8613812345678', type: 'SignIn', payload: { code: '123456' }, ip: '203.0.113.7' };
const HUGE = { max: 1_000_000_000, windowSeconds: 86_400 };
const budgets = { perIp: HUGE, perCountry: HUGE, global: HUGE };

/** p50 and p99 in ms of N sequential sends after a warm-up; `expect` says how each must end. */
const measure = async (config, expect) => {
  const once = async () => {
    try {
      await connector.sendMessage(data, config);
      if (expect !== 'sent') throw new Error(`expected ${expect}, the send went out`);
    } catch (error) {
      if (expect === 'sent' || error.code !== expect) throw error;
    }
  };
  for (let i = 0; i < WARMUP; i += 1) await once();
  const times = new Float64Array(N);
  for (let i = 0; i < N; i += 1) {
    const started = process.hrtime.bigint();
    await once();
    times[i] = Number(process.hrtime.bigint() - started) / 1e6;
  }
  return { p50: percentile(times, 50), p99: percentile(times, 99) };
};

/** Throughput of `total` sends at concurrency 64. */
const throughput = async (config, total = N * 2) => {
  let next = 0;
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: 64 }, async () => {
      while (next < total) {
        next += 1;
        await connector.sendMessage(data, config);
      }
    })
  );
  return total / (Number(process.hrtime.bigint() - started) / 1e9);
};

const pingTimes = new Float64Array(500);
for (let i = 0; i < pingTimes.length; i += 1) {
  const started = process.hrtime.bigint();
  await redisCommand(redis.port, ['PING']);
  pingTimes[i] = Number(process.hrtime.bigint() - started) / 1e6;
}

const storeOf = { memory: {}, redis: { redisUrl: redis.url, onStoreError: 'deny' }, cluster: { redisUrl: cluster?.url, onStoreError: 'deny' } };
const full = (store) => ({ global: { max: 1, windowSeconds: 86_400 }, ...storeOf[store] });
// Fill the single-send budgets first.
await connector.sendMessage(data, { ...base, limits: full('memory') });
await connector.sendMessage(data, { ...base, limits: full('redis') });
if (cluster) await connector.sendMessage(data, { ...base, limits: full('cluster') });

const scenarios = {
  refusedByCountry: [{ ...base, limits: { countries: { deny: ['86'] } } }, 'invalid_request_parameters'],
  refusedInProcess: [{ ...base, limits: full('memory') }, 'rate_limit_exceeded'],
  refusedByRedis: [{ ...base, limits: full('redis') }, 'rate_limit_exceeded'],
  sentNoLimits: [base, 'sent'],
  sentInProcess: [{ ...base, limits: { ...budgets, perIp: { ...HUGE, windowSeconds: 86_399 } } }, 'sent'],
  sentRedis: [{ ...base, limits: { ...budgets, redisUrl: redis.url, onStoreError: 'deny' } }, 'sent'],
  ...(cluster
    ? {
        refusedByCluster: [{ ...base, limits: full('cluster') }, 'rate_limit_exceeded'],
        sentCluster: [{ ...base, limits: { ...budgets, ...storeOf.cluster } }, 'sent'],
      }
    : {}),
};
// Rounds interleave the scenarios, so a burst of load on this shared machine
// lands on all of them; each figure is the median over the rounds.
const rounds = Object.fromEntries(Object.keys(scenarios).map((name) => [name, []]));
for (let round = 0; round < ROUNDS; round += 1) {
  for (const [name, [config, expect]] of Object.entries(scenarios)) rounds[name].push(await measure(config, expect));
}
const results = Object.fromEntries(
  Object.entries(rounds).map(([name, list]) => [name, { p50: median(list.map((r) => r.p50)), p99: median(list.map((r) => r.p99)) }])
);
const loads = {
  noLimits: base,
  inProcess: { ...base, limits: { ...budgets, global: { ...HUGE, windowSeconds: 86_398 } } },
  redis: { ...base, limits: { ...budgets, redisUrl: redis.url, onStoreError: 'deny' } },
};
await throughput(base, N); // warm-up: connections, JIT
const rateRounds = Object.fromEntries(Object.keys(loads).map((name) => [name, []]));
for (let round = 0; round < ROUNDS; round += 1) {
  for (const [name, config] of Object.entries(loads)) rateRounds[name].push(await throughput(config));
}
const rates = Object.fromEntries(Object.entries(rateRounds).map(([name, list]) => [name, median(list)]));

responder.kill();
await redis.stop();
await cluster?.stop();

const ms = (value) => value.toFixed(3);
const rows = [
  ['refused by country (no store)', results.refusedByCountry],
  ['refused by in-process budget', results.refusedInProcess],
  ['refused by Redis budget', results.refusedByRedis],
  ['sent, no limits', results.sentNoLimits],
  ['sent, 3 in-process budgets', results.sentInProcess],
  ['sent, 3 Redis budgets', results.sentRedis],
  ...(cluster
    ? [
        ['refused by Redis Cluster budget', results.refusedByCluster],
        ['sent, 3 Redis Cluster budgets', results.sentCluster],
      ]
    : []),
];
const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
console.log(`Send limits, ${new Date().toISOString().slice(0, 10)}, ${os.cpus().length} × ${cpu}, Node ${process.version}; median over ${ROUNDS} rounds of ${N} sequential sends\n`);
console.log('| scenario (Tencent, loopback) | p50 ms | p99 ms |');
console.log('| --- | ---: | ---: |');
for (const [label, { p50, p99 }] of rows) console.log(`| ${label} | ${ms(p50)} | ${ms(p99)} |`);
console.log(`\nRedis PING from Node (raw socket, new connection each): p50 ${ms(percentile(pingTimes, 50))} ms`);
console.log(`In-process check: p50 +${ms(results.refusedInProcess.p50 - results.refusedByCountry.p50)} ms over the country refusal (see the Rust timing for the check alone)`);
console.log(`Redis adds: p50 +${ms(results.refusedByRedis.p50 - results.refusedByCountry.p50)} ms (refusal path), +${ms(results.sentRedis.p50 - results.sentNoLimits.p50)} ms (whole send)`);
if (cluster) {
  console.log(`Redis Cluster adds: p50 +${ms(results.refusedByCluster.p50 - results.refusedByCountry.p50)} ms (refusal path), +${ms(results.sentCluster.p50 - results.sentNoLimits.p50)} ms (whole send)`);
}
console.log(
  `Throughput at concurrency 64, sends/s: no limits ${rates.noLimits.toFixed(0)}, in-process ${rates.inProcess.toFixed(0)}, Redis ${rates.redis.toFixed(0)}`
);
console.log(JSON.stringify({ results, rates }));
