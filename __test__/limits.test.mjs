// Send limits (CONTRACT §9) through the real connectors, the simulators and a
// real redis-server: country rules, budgets exact at the boundary, all-or-none
// counting, rolling windows (no burst of 2 × max across a boundary), number
// ranges, namespaces, monitor mode, exactness under concurrency (one process
// with the in-process store; four processes sharing one Redis; four sharing a
// real Redis Cluster of three primaries), Redis stopped, restarted,
// unreachable, refusing the password or the script, an unset env: variable.
// Every "refused" is checked against what the simulator received: a refused
// send reaches no provider.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';

import { ConnectorError } from '@logto/connector-kit';

import { createAliyunSmsConnector, createTencentSmsConnector } from '../index.js';
import { USAGE_TYPES, aliyunConfig, settle, tencentConfig } from './support/configs.mjs';
import { clusterMissing, freePort, redisMissing, startRedis, startRedisCluster } from './support/redis.mjs';
import { ALIYUN_DEFAULTS, startAliyunSimulator, startTencentSimulator } from './simulator/index.mjs';

const run = promisify(execFile);
const sender = new URL('./children/limits-sender.mjs', import.meta.url).pathname;
const MARKER = 'MARKER-redis-pw-5e4d3c';
/** What every budget (and store under deny) refusal says: no numbers, no window. */
const REFUSED = 'Too many codes were requested; try again later.';
/** A counter's Redis key (CONTRACT §9: one hash tag per namespace). */
const counterKey = (kind, windowSeconds, subject, namespace = 'default') =>
  `logto-sms:{${namespace}}:${kind}:${windowSeconds}${subject === undefined ? '' : `:${subject}`}`;
/** The sends a counter holds: the sum of its buckets (a hash of bucket → sends). */
const counted = async (server, key) => {
  const values = await server.command('HVALS', key);
  const list = Array.isArray(values) ? values : String(values).split('\n').filter(Boolean);
  return list.reduce((sum, v) => sum + Number(v), 0);
};
/** The warning lines of a child's stderr. */
const warnings = (stderr) =>
  stderr
    .split('\n')
    .filter((line) => line.includes('limits_store_error'))
    .map((line) => JSON.parse(line));

// Aliyun with regional template codes, so numbers outside mainland China are
// accepted by the simulator too.
const aliyunRegional = USAGE_TYPES.map((usageType, index) => ({
  usageType,
  templateCode: { china: ALIYUN_DEFAULTS.mainlandTemplates[index], overseas: ALIYUN_DEFAULTS.overseasTemplate },
}));
const providers = {
  aliyun: {
    create: createAliyunSmsConnector,
    start: startAliyunSimulator,
    config: (simulator, overrides) => aliyunConfig(simulator, { templates: aliyunRegional, ...overrides }),
  },
  tencent: { create: createTencentSmsConnector, start: startTencentSimulator, config: tencentConfig },
};

// The in-process store is shared by the whole process and keyed by window
// length: each test takes window lengths no other test in this file uses.
let windowsTaken = 0;
const freshWindow = () => 2_000_000 - (windowsTaken += 1);

const message = (to, ip) => ({ to, type: 'SignIn', payload: { code: '123456' }, ...(ip ? { ip } : {}) });
const CN = '8613812345678';
const UK = '447911123456';

/** Settles within a generous bound, or fails the test as "hung" (no timing precision implied). */
const settledSoon = (promise) =>
  Promise.race([
    settle(promise),
    sleep(10_000, undefined, { ref: false }).then(() => assert.fail('a send did not settle: it hung')),
  ]);

/** Sends and reports 'sent' or the error (checked to be the host's ConnectorError). */
const attempt = async (connector, data, config) => {
  const { value, error } = await settledSoon(connector.sendMessage(data, config));
  if (error) {
    assert.ok(error instanceof ConnectorError, `not the host's ConnectorError: ${error}`);
    return error;
  }
  assert.ok(value);
  return 'sent';
};

const assertRefused = (outcome, code, limit) => {
  assert.notEqual(outcome, 'sent', 'expected a refusal');
  assert.equal(outcome.code, code, outcome.data?.errorDescription);
  if (limit) assert.equal(outcome.data.limit, limit, outcome.data.errorDescription);
};

/**
 * After an outage: sends (deny policy) until the budget itself refuses, which
 * shows counting has resumed. Sends refused by the store meanwhile (the
 * connection being made again) are allowed; one that Redis counted although
 * its answer came too late can only lower `sent`, never raise it past `max`.
 */
const untilBudgetRefuses = async (connector, config, max) => {
  let sent = 0;
  let storeRefusals = 0;
  for (let tries = 0; tries < 200; tries += 1) {
    const outcome = await attempt(connector, message(CN), config);
    if (outcome === 'sent') {
      sent += 1;
    } else if (outcome.data?.limit === 'store') {
      storeRefusals += 1;
      await sleep(50);
    } else {
      assertRefused(outcome, 'rate_limit_exceeded', 'global');
      assert.ok(sent >= 1 && sent <= max, `sent ${sent} of a budget of ${max}`);
      if (storeRefusals === 0) assert.equal(sent, max);
      return sent;
    }
  }
  return assert.fail('the budget never refused: counting did not resume');
};

let redis;
let simulators;

before(async () => {
  simulators = { aliyun: await providers.aliyun.start(), tencent: await providers.tencent.start() };
  if (!redisMissing) redis = await startRedis();
});
after(async () => {
  await redis?.stop();
  await Promise.all(Object.values(simulators ?? {}).map((simulator) => simulator.close()));
});

describe('limits: the config guard', () => {
  const example = {
    countries: { allow: ['86', '852', '1'], deny: [] },
    perIp: { max: 10, windowSeconds: 3600 },
    perRange: { max: 5, windowSeconds: 86400, trailingDigits: 3 },
    perCountry: { max: 500, windowSeconds: 86400 },
    global: { max: 5000, windowSeconds: 86400 },
    redisUrl: 'env:REDIS_URL',
    namespace: 'prod',
    onStoreError: 'allow',
    mode: 'enforce',
  };

  for (const [name, provider] of Object.entries(providers)) {
    it(`${name}: accepts the contract's example and echoes it; no key in, no key out`, async () => {
      const { configGuard } = await provider.create({ getConfig: async () => ({}) });
      const base = provider.config(simulators[name]);
      const parsed = configGuard.safeParse({ ...base, limits: example });
      assert.equal(parsed.success, true, JSON.stringify(parsed.error?.issues));
      assert.deepStrictEqual(parsed.data.limits, example);
      const plain = configGuard.safeParse(base);
      assert.equal(plain.success, true);
      assert.ok(!('limits' in plain.data));
    });

    it(`${name}: reports each problem under ["limits", …] and a send with such a config is invalid_config, nothing sent`, async () => {
      const simulator = simulators[name];
      const connector = await provider.create({ getConfig: async () => ({}) });
      const limits = {
        countries: { allow: ['+86', 44], deny: '1' },
        perIp: { max: 0, windowSeconds: 3600 },
        perCountry: { max: 10 },
        global: { max: 1.5, windowSeconds: 2_678_401 },
        perRange: { max: 5, windowSeconds: 60, trailingDigits: 7 },
        redisUrl: `http://:${MARKER}@127.0.0.1:6379/`,
        namespace: 'a{b}',
        onStoreError: 'ignore',
        mode: 'dry-run',
      };
      const parsed = connector.configGuard.safeParse({ ...provider.config(simulator), limits });
      assert.equal(parsed.success, false);
      assert.equal(parsed.error.name, 'ZodError');
      const pairs = parsed.error.issues.map((issue) => `${JSON.stringify(issue.path)} ${issue.code}`).sort();
      assert.deepStrictEqual(pairs, [
        '["limits","countries","allow",0] invalid_string',
        '["limits","countries","allow",1] invalid_type',
        '["limits","countries","deny"] invalid_type',
        '["limits","global","max"] invalid_type',
        '["limits","global","windowSeconds"] too_big',
        '["limits","mode"] invalid_enum_value',
        '["limits","namespace"] invalid_string',
        '["limits","onStoreError"] invalid_enum_value',
        '["limits","perCountry","windowSeconds"] invalid_type',
        '["limits","perIp","max"] too_small',
        '["limits","perRange","trailingDigits"] too_big',
        '["limits","redisUrl"] custom',
      ]);
      assert.ok(!JSON.stringify(parsed.error.issues).includes(MARKER), 'the Redis password is not repeated');
      simulator.reset();
      const outcome = await attempt(connector, message(CN), { ...provider.config(simulator), limits });
      assertRefused(outcome, 'invalid_config');
      assert.ok(!JSON.stringify(outcome.data).includes(MARKER));
      assert.equal(simulator.requests.length, 0);
    });

    it(`${name}: redisUrl takes Logto's REDIS_URL syntax; TLS is never unverified; null and "" mean absent`, async () => {
      const { configGuard } = await provider.create({ getConfig: async () => ({}) });
      const base = provider.config(simulators[name]);
      const verdict = (limits) => configGuard.safeParse({ ...base, limits });
      for (const redisUrl of [
        '1',
        'yes',
        'redis://:pw@10.0.0.1:7000?cluster=1&host=10.0.0.2:7001&host=10.0.0.3:7002',
        'rediss://user:pw@redis.example.com:6380/2?reject_unauthorized=true',
        'rediss://h/?certroot=/etc/ssl/ca.pem&cert=/c.pem&key=/k.pem',
        'env:LOGTO_REDIS',
      ]) {
        assert.equal(verdict({ redisUrl }).success, true, redisUrl);
      }
      for (const redisUrl of [
        'rediss://h/?reject_unauthorized=0',
        'redis://h/?host=10.0.0.2:7001',
        'redis://h/?cluster=1&host=10.0.0.2:x',
        'redis://h/?certroot=/ca.pem',
        'redis://h/?family=6',
        'rediss://h/#insecure',
        'env:1BAD',
      ]) {
        const parsed = verdict({ redisUrl });
        assert.equal(parsed.success, false, redisUrl);
        assert.deepStrictEqual(parsed.error.issues.map((i) => `${JSON.stringify(i.path)} ${i.code}`), ['["limits","redisUrl"] custom']);
      }
      const unset = { redisUrl: null, namespace: '', mode: null, perRange: '' };
      const parsed = verdict(unset);
      assert.equal(parsed.success, true);
      assert.deepStrictEqual(parsed.data.limits, unset);
    });
  }
});

for (const [name, provider] of Object.entries(providers)) {
  describe(`${name}: countries`, () => {
    let simulator;
    let connector;
    before(async () => {
      simulator = simulators[name];
      connector = await provider.create({ getConfig: async () => ({}) });
    });

    it('allow lists the calling codes that may receive codes; others are refused naming theirs, nothing sent', async () => {
      const config = provider.config(simulator, { limits: { countries: { allow: ['86', '852'] } } });
      simulator.reset();
      const refused = await attempt(connector, message(UK), config);
      assertRefused(refused, 'invalid_request_parameters');
      assert.equal(refused.data.errorDescription, 'SMS to +44 is not enabled');
      assert.equal(simulator.requests.length, 0);
      // Logto's digits, a mainland number stored without its country code, and +852.
      for (const to of [CN, '13812345678', '85291234567']) {
        assert.equal(await attempt(connector, message(to), config), 'sent', to);
      }
      assert.equal(simulator.requests.length, 3);
    });

    it('deny wins over allow: a longer prefix inside an allowed code (Antigua, 1268, inside +1)', async () => {
      // Strict: in non-strict mode an 11-digit number starting with 1 counts as mainland China (CONTRACT §4).
      const config = provider.config(simulator, {
        strictPhoneRegionNumberCheck: true,
        limits: { countries: { allow: ['1'], deny: ['1268'] } },
      });
      simulator.reset();
      const antigua = await attempt(connector, message('12684641234'), config);
      assertRefused(antigua, 'invalid_request_parameters');
      assert.equal(antigua.data.errorDescription, 'SMS to +1 is not enabled');
      assert.equal(simulator.requests.length, 0);
      // Allowed through to the provider (whose own answer, for a +1 number on the
      // China-site simulator, is not the point here).
      await attempt(connector, message('12025550123'), config);
      assert.equal(simulator.requests.length, 1);
    });

    it('the country is read from E.164 with the mainland rule: non-strict, 1 and 10 digits counts as +86', async () => {
      const config = provider.config(simulator, { limits: { countries: { allow: ['1'] } } });
      simulator.reset();
      const outcome = await attempt(connector, message('12025550123'), config);
      assertRefused(outcome, 'invalid_request_parameters');
      assert.equal(outcome.data.errorDescription, 'SMS to +86 is not enabled');
      assert.equal(simulator.requests.length, 0);
    });

    it('a send refused by country is not counted in any budget', async () => {
      const config = provider.config(simulator, {
        limits: { countries: { deny: ['44'] }, global: { max: 1, windowSeconds: freshWindow() } },
      });
      simulator.reset();
      for (let i = 0; i < 3; i += 1) assertRefused(await attempt(connector, message(UK), config), 'invalid_request_parameters');
      assert.equal(await attempt(connector, message(CN), config), 'sent');
      assertRefused(await attempt(connector, message(CN), config), 'rate_limit_exceeded', 'global');
      assert.equal(simulator.requests.length, 1);
    });
  });

  for (const store of ['memory', 'redis']) {
    describe(`${name}, ${store} store: budgets`, { skip: store === 'redis' && redisMissing }, () => {
      let simulator;
      let connector;
      const withLimits = (limits) =>
        provider.config(simulator, { limits: { ...limits, ...(store === 'redis' ? { redisUrl: redis.url } : {}) } });
      before(async () => {
        simulator = simulators[name];
        connector = await provider.create({ getConfig: async () => ({}) });
      });
      const fresh = async () => {
        simulator.reset();
        if (store === 'redis') await redis.command('FLUSHALL');
      };

      it('global: max 5 admits exactly 5; the 6th is rate_limit_exceeded and reaches no provider', async () => {
        await fresh();
        const config = withLimits({ global: { max: 5, windowSeconds: freshWindow() } });
        for (let i = 0; i < 5; i += 1) assert.equal(await attempt(connector, message(CN), config), 'sent', `send ${i + 1}`);
        const sixth = await attempt(connector, message(CN), config);
        assertRefused(sixth, 'rate_limit_exceeded', 'global');
        // The end user learns no budget's numbers or window, only which budget.
        assert.equal(sixth.data.errorDescription, REFUSED);
        assert.doesNotMatch(JSON.stringify(sixth.data), /\d/);
        assert.equal(simulator.requests.length, 5);
      });

      it('perIp: keyed by data.ip; another IP has its own budget; no ip, no per-IP budget', async () => {
        await fresh();
        const config = withLimits({ perIp: { max: 2, windowSeconds: freshWindow() } });
        assert.equal(await attempt(connector, message(CN, '203.0.113.7'), config), 'sent');
        assert.equal(await attempt(connector, message(CN, '203.0.113.7'), config), 'sent');
        assertRefused(await attempt(connector, message(CN, '203.0.113.7'), config), 'rate_limit_exceeded', 'perIp');
        assert.equal(await attempt(connector, message(CN, '203.0.113.8'), config), 'sent');
        for (let i = 0; i < 3; i += 1) assert.equal(await attempt(connector, message(CN), config), 'sent');
        assert.equal(simulator.requests.length, 6);
      });

      it('perCountry: keyed by the calling code', async () => {
        await fresh();
        const config = withLimits({ perCountry: { max: 2, windowSeconds: freshWindow() } });
        assert.equal(await attempt(connector, message(UK), config), 'sent');
        assert.equal(await attempt(connector, message('447700900123'), config), 'sent');
        const third = await attempt(connector, message(UK), config);
        assertRefused(third, 'rate_limit_exceeded', 'perCountry');
        assert.equal(third.data.errorDescription, REFUSED);
        assert.equal(await attempt(connector, message(CN), config), 'sent');
        assert.equal(simulator.requests.length, 3);
      });

      it('every budget is counted, or none: a per-IP refusal uses none of the global budget', async () => {
        await fresh();
        const config = withLimits({ perIp: { max: 1, windowSeconds: freshWindow() }, global: { max: 3, windowSeconds: freshWindow() } });
        assert.equal(await attempt(connector, message(CN, '198.51.100.1'), config), 'sent');
        for (let i = 0; i < 5; i += 1) {
          assertRefused(await attempt(connector, message(CN, '198.51.100.1'), config), 'rate_limit_exceeded', 'perIp');
        }
        assert.equal(await attempt(connector, message(CN, '198.51.100.2'), config), 'sent');
        assert.equal(await attempt(connector, message(CN, '198.51.100.3'), config), 'sent');
        assertRefused(await attempt(connector, message(CN, '198.51.100.4'), config), 'rate_limit_exceeded', 'global');
        assert.equal(simulator.requests.length, 3);
      });

      it('a window rolls over: after windowSeconds the budget is whole again', async () => {
        await fresh();
        // The in-process store outlives each test: each provider takes its own short window.
        const windowSeconds = store === 'redis' ? 2 : 2 + Object.keys(providers).indexOf(name);
        const config = withLimits({ global: { max: 2, windowSeconds } });
        for (const round of [1, 2]) {
          assert.equal(await attempt(connector, message(CN), config), 'sent', `round ${round}`);
          assert.equal(await attempt(connector, message(CN), config), 'sent', `round ${round}`);
          assertRefused(await attempt(connector, message(CN), config), 'rate_limit_exceeded', 'global');
          // Rolling: whole again once the last windowSeconds × 61/60 hold nothing.
          if (round === 1) await sleep((windowSeconds * 1000 * 61) / 60 + 300);
        }
        assert.equal(simulator.requests.length, 4);
      });

      // Once per store (the windows are the store's, not the provider's): it waits out a window.
      it('rolling: max at the end of a window and a burst right after its end admit max in all, not 2 × max', { skip: name !== 'tencent' }, async () => {
        await fresh();
        // A namespace of its own: the in-process store outlives each test.
        const namespace = `rolling-${store}`;
        const max = 4;
        const windowSeconds = 4;
        const config = withLimits({ global: { max, windowSeconds }, namespace });
        // The send that would open a fixed window [t0, t0 + 4 s)…
        assert.equal(await attempt(connector, message(CN), config), 'sent');
        await sleep(3_200);
        // …the rest of the budget near its end…
        for (let i = 1; i < max; i += 1) assert.equal(await attempt(connector, message(CN), config), 'sent', `send ${i + 1}`);
        // …and a burst once a fixed window would have started again. Only the
        // first send has aged out of the last 4 s (× 61/60): at most 1 more.
        // (Fixed windows admit the whole burst's max here.) The three sends
        // above count until about t0 + 7.2 s: ample time for the burst.
        await sleep(1_000);
        const burst = await Promise.all(Array.from({ length: 2 * max }, () => attempt(connector, message(CN), config)));
        const admitted = burst.filter((o) => o === 'sent').length;
        for (const outcome of burst.filter((o) => o !== 'sent')) assertRefused(outcome, 'rate_limit_exceeded', 'global');
        assert.ok(max - 1 + admitted <= max, `${max - 1} + ${admitted} sends within one window of ${windowSeconds} s`);
        assert.equal(simulator.requests.length, max + admitted);
      });

      it('perRange: numbers of one range share a budget; another range has its own', async () => {
        await fresh();
        const config = withLimits({ perRange: { max: 2, windowSeconds: 3600, trailingDigits: 3 }, namespace: `range-${name}-${store}` });
        assert.equal(await attempt(connector, message('8613812345001'), config), 'sent');
        assert.equal(await attempt(connector, message('8613812345999'), config), 'sent');
        const third = await attempt(connector, message('8613812345500'), config);
        assertRefused(third, 'rate_limit_exceeded', 'perRange');
        assert.equal(third.data.errorDescription, REFUSED);
        assert.equal(await attempt(connector, message('8613812346001'), config), 'sent');
        assert.equal(simulator.requests.length, 3);
        if (store === 'redis') {
          const key = counterKey('perRange', 3600, '3:8613812345', `range-${name}-${store}`);
          assert.equal(await counted(redis, key), 2);
        }
      });

      it('namespaces: two namespaces have separate budgets; no namespace is the default one', async () => {
        await fresh();
        const budget = { max: 2, windowSeconds: 3600 };
        const a = withLimits({ global: budget, namespace: `tenant-a-${name}-${store}` });
        const b = withLimits({ global: budget, namespace: `tenant-b-${name}-${store}` });
        for (const config of [a, a]) assert.equal(await attempt(connector, message(CN), config), 'sent');
        assertRefused(await attempt(connector, message(CN), a), 'rate_limit_exceeded', 'global');
        for (const config of [b, b]) assert.equal(await attempt(connector, message(CN), config), 'sent');
        assertRefused(await attempt(connector, message(CN), b), 'rate_limit_exceeded', 'global');
        assert.equal(simulator.requests.length, 4);
        if (store === 'redis') {
          assert.equal(await counted(redis, counterKey('global', 3600, undefined, `tenant-a-${name}-${store}`)), 2);
          assert.equal(await counted(redis, counterKey('global', 3600, undefined, `tenant-b-${name}-${store}`)), 2);
        }
      });

      it('monitor: sends beyond a budget still go out and are not counted; countries still refuse', async () => {
        await fresh();
        const config = withLimits({ global: { max: 2, windowSeconds: 3600 }, countries: { deny: ['44'] }, mode: 'monitor', namespace: `monitor-${name}-${store}` });
        for (let i = 0; i < 5; i += 1) assert.equal(await attempt(connector, message(CN), config), 'sent', `send ${i + 1}`);
        assertRefused(await attempt(connector, message(UK), config), 'invalid_request_parameters');
        assert.equal(simulator.requests.length, 5);
        if (store === 'redis') assert.equal(await counted(redis, counterKey('global', 3600, undefined, `monitor-${name}-${store}`)), 2);
        // The same budget enforced sees the count monitor kept.
        const enforced = withLimits({ global: { max: 2, windowSeconds: 3600 }, namespace: `monitor-${name}-${store}` });
        assertRefused(await attempt(connector, message(CN), enforced), 'rate_limit_exceeded', 'global');
      });

      if (store === 'redis') {
        it('the counters live in Redis as buckets under one hash tag, kept windowSeconds × 62/60 at most', async () => {
          await fresh();
          const windowSeconds = freshWindow();
          const config = withLimits({ global: { max: 10, windowSeconds }, perCountry: { max: 10, windowSeconds } });
          for (let i = 0; i < 3; i += 1) assert.equal(await attempt(connector, message(CN), config), 'sent');
          assert.equal(await counted(redis, counterKey('global', windowSeconds)), 3);
          assert.equal(await counted(redis, counterKey('perCountry', windowSeconds, '86')), 3);
          assert.equal(await redis.command('TYPE', counterKey('global', windowSeconds)), 'hash');
          const ttl = await redis.command('PTTL', counterKey('global', windowSeconds));
          assert.ok(ttl > windowSeconds * 1000 && ttl <= (windowSeconds * 1000 * 62) / 60 + 1, `PTTL ${ttl}`);
        });
      }
    });
  }

  describe(`${name}: exactness under concurrency`, () => {
    it('in-process store, one process, concurrency 64: a budget of 100 admits exactly 100 of 300', async () => {
      const simulator = simulators[name];
      simulator.reset();
      const config = provider.config(simulator, { limits: { global: { max: 100, windowSeconds: freshWindow() } } });
      const connector = await provider.create({ getConfig: async () => config });
      const outcomes = [];
      let next = 0;
      const worker = async () => {
        while (next < 300) {
          next += 1;
          outcomes.push(await attempt(connector, message(CN)));
        }
      };
      await Promise.all(Array.from({ length: 64 }, worker));
      const sent = outcomes.filter((o) => o === 'sent').length;
      const refused = outcomes.filter((o) => o !== 'sent');
      assert.equal(sent, 100);
      assert.equal(refused.length, 200);
      assert.ok(refused.every((e) => e.code === 'rate_limit_exceeded' && e.data.limit === 'global'));
      assert.equal(simulator.requests.length, 100);
    });

    it('Redis store, four processes at concurrency 64 each: one budget of 100 admits exactly 100 of 400', { skip: redisMissing }, async () => {
      const simulator = simulators[name];
      simulator.reset();
      await redis.command('FLUSHALL');
      const config = provider.config(simulator, {
        limits: { global: { max: 100, windowSeconds: 3600 }, redisUrl: redis.url, onStoreError: 'deny' },
      });
      const results = await Promise.all(
        Array.from({ length: 4 }, () => run(process.execPath, [sender, name, JSON.stringify(config), '100', '64'], { timeout: 60_000 }))
      );
      const totals = results.map(({ stdout }) => JSON.parse(stdout.trim().split('\n').at(-1)));
      const sent = totals.reduce((sum, t) => sum + t.sent, 0);
      const overBudget = totals.reduce((sum, t) => sum + (t.limits.global ?? 0), 0);
      const storeRefusals = totals.reduce((sum, t) => sum + (t.limits.store ?? 0), 0);
      // Redis never counts past the budget, whatever happened to the answers.
      assert.equal(await counted(redis, counterKey('global', 3600)), 100);
      assert.equal(simulator.requests.length, sent);
      assert.equal(sent + overBudget + storeRefusals, 400, JSON.stringify(totals));
      // A send whose answer missed its 500 ms deadline (a badly overloaded
      // machine) is refused by `deny` yet may have been counted: then fewer than
      // 100 went out, never more. Every answer in time: exactly 100.
      assert.ok(sent <= 100, JSON.stringify(totals));
      if (storeRefusals === 0) assert.equal(sent, 100, JSON.stringify(totals));
    });
  });
}

describe('the Redis store failing', { skip: redisMissing }, () => {
  for (const [name, provider] of Object.entries(providers)) {
    it(`${name}: Redis stopped mid-run: allow keeps sending, deny refuses, neither hangs; counting resumes when Redis is back`, async () => {
      const simulator = simulators[name];
      const connector = await provider.create({ getConfig: async () => ({}) });
      const limits = { global: { max: 1000, windowSeconds: 3600 }, redisUrl: redis.url };
      const allow = provider.config(simulator, { limits: { ...limits, onStoreError: 'allow' } });
      const deny = provider.config(simulator, { limits: { ...limits, onStoreError: 'deny' } });
      await redis.command('FLUSHALL');
      simulator.reset();
      for (let i = 0; i < 3; i += 1) assert.equal(await attempt(connector, message(CN), deny), 'sent');
      assert.equal(await counted(redis, counterKey('global', 3600)), 3);

      await redis.stop();
      try {
        const allowed = await Promise.all(Array.from({ length: 5 }, () => attempt(connector, message(CN), allow)));
        assert.deepStrictEqual(allowed, Array(5).fill('sent'));
        assert.equal(simulator.requests.length, 8);
        const denied = await Promise.all(Array.from({ length: 5 }, () => attempt(connector, message(CN), deny)));
        for (const outcome of denied) assertRefused(outcome, 'rate_limit_exceeded', 'store');
        assert.equal(simulator.requests.length, 8);
      } finally {
        await redis.start();
      }

      // Redis is back, empty (nothing persisted). The connection is made again
      // by the next sends; until it is, a send ends by the policy (deny here).
      const budget = provider.config(simulator, {
        limits: { global: { max: 3, windowSeconds: 3600 }, redisUrl: redis.url, onStoreError: 'deny' },
      });
      simulator.reset();
      const sent = await untilBudgetRefuses(connector, budget, 3);
      assert.equal(simulator.requests.length, sent);
      assert.equal(await counted(redis, counterKey('global', 3600)), 3);
    });

    it(`${name}: Redis unreachable from the start: allow sends, deny refuses, both settle`, async () => {
      const simulator = simulators[name];
      const connector = await provider.create({ getConfig: async () => ({}) });
      const redisUrl = `redis://127.0.0.1:${await freePort()}/0`;
      const limits = (onStoreError) => ({ global: { max: 1, windowSeconds: 3600 }, redisUrl, onStoreError });
      simulator.reset();
      // max 1, yet every allowed send goes out: nothing could be counted.
      for (let i = 0; i < 3; i += 1) {
        assert.equal(await attempt(connector, message(CN), provider.config(simulator, { limits: limits('allow') })), 'sent');
      }
      assertRefused(await attempt(connector, message(CN), provider.config(simulator, { limits: limits('deny') })), 'rate_limit_exceeded', 'store');
      // No onStoreError: allow is the default.
      const { onStoreError, ...byDefault } = limits('allow');
      assert.equal(onStoreError, 'allow');
      assert.equal(await attempt(connector, message(CN), provider.config(simulator, { limits: byDefault })), 'sent');
      assert.equal(simulator.requests.length, 4);
    });
  }

  it('Redis frozen (answers nothing): each send gives up after its deadline, by the policy; counting resumes when it thaws', async () => {
    const simulator = simulators.tencent;
    const connector = await createTencentSmsConnector({ getConfig: async () => ({}) });
    const limits = (onStoreError, max = 1000) => ({ global: { max, windowSeconds: 3600 }, redisUrl: redis.url, onStoreError });
    await redis.command('FLUSHALL');
    simulator.reset();
    assert.equal(await attempt(connector, message(CN), tencentConfig(simulator, { limits: limits('deny') })), 'sent');
    redis.pause();
    try {
      const outcomes = await Promise.all([
        ...Array.from({ length: 3 }, () => attempt(connector, message(CN), tencentConfig(simulator, { limits: limits('allow') }))),
        ...Array.from({ length: 3 }, () => attempt(connector, message(CN), tencentConfig(simulator, { limits: limits('deny') }))),
      ]);
      assert.deepStrictEqual(outcomes.slice(0, 3), ['sent', 'sent', 'sent']);
      for (const outcome of outcomes.slice(3)) {
        assertRefused(outcome, 'rate_limit_exceeded', 'store');
        assert.equal(outcome.data.errorDescription, REFUSED);
      }
      assert.equal(simulator.requests.length, 4);
    } finally {
      redis.resume();
    }
    // Thawed: the frozen commands may have been counted late; a new budget starts clean.
    await redis.command('FLUSHALL');
    simulator.reset();
    const budget = tencentConfig(simulator, { limits: limits('deny', 2) });
    const sent = await untilBudgetRefuses(connector, budget, 2);
    assert.equal(simulator.requests.length, sent);
    assert.equal(await counted(redis, counterKey('global', 3600)), 2);
  });

  it('a wrong password: allow sends, deny refuses; the password is in no error and no stderr line; the right one counts', async () => {
    const secured = await startRedis({ password: 'the-right-password' });
    try {
      const simulator = simulators.tencent;
      simulator.reset();
      const redisUrl = `redis://:${MARKER}@127.0.0.1:${secured.port}/0`;
      const results = {};
      for (const policy of ['allow', 'deny']) {
        const config = tencentConfig(simulator, { limits: { global: { max: 1, windowSeconds: 3600 }, redisUrl, onStoreError: policy } });
        const { stdout, stderr } = await run(process.execPath, [sender, 'tencent', JSON.stringify(config), '3', '2'], { timeout: 60_000 });
        assert.ok(!stdout.includes(MARKER) && !stderr.includes(MARKER), `the password leaked:\n${stdout}\n${stderr}`);
        const warning = stderr.split('\n').find((line) => line.includes('limits_store_error'));
        assert.ok(warning, `a warning line on stderr:\n${stderr}`);
        const parsed = JSON.parse(warning);
        assert.equal(parsed.level, 'warn');
        assert.equal(parsed.store, `redis://127.0.0.1:${secured.port}/0`);
        assert.match(parsed.problem, /credentials|password/i);
        assert.equal(parsed.cause, 'credentials');
        results[policy] = JSON.parse(stdout.trim().split('\n').at(-1));
      }
      assert.equal(results.allow.sent, 3);
      assert.equal(results.deny.sent, 0);
      assert.deepStrictEqual(results.deny.limits, { store: 3 });
      assert.deepStrictEqual(results.deny.refused, { rate_limit_exceeded: 3 });
      assert.equal(simulator.requests.length, 3);

      // In this process too: errors carry no password; the right one is counted.
      const connector = await createTencentSmsConnector({ getConfig: async () => ({}) });
      const denied = await attempt(connector, message(CN), tencentConfig(simulator, { limits: { global: { max: 1, windowSeconds: 3600 }, redisUrl, onStoreError: 'deny' } }));
      assertRefused(denied, 'rate_limit_exceeded', 'store');
      assert.ok(!JSON.stringify(denied.data).includes(MARKER) && !denied.message.includes(MARKER) && !denied.stack.includes(MARKER));
      const right = tencentConfig(simulator, { limits: { global: { max: 1, windowSeconds: 3600 }, redisUrl: secured.url, onStoreError: 'deny' } });
      assert.equal(await attempt(connector, message(CN), right), 'sent');
      assertRefused(await attempt(connector, message(CN), right), 'rate_limit_exceeded', 'global');
      assert.equal(await counted(secured, counterKey('global', 3600)), 1);
    } finally {
      await secured.stop();
    }
  });
});

describe('Redis Cluster, ACLs and env: URLs', () => {
  it('a real cluster of three primaries: four processes at concurrency 16 admit exactly the budget, no warning line', { skip: clusterMissing }, async () => {
    const cluster = await startRedisCluster();
    try {
      const simulator = simulators.tencent;
      simulator.reset();
      const config = tencentConfig(simulator, {
        limits: {
          global: { max: 40, windowSeconds: 3600 },
          perCountry: { max: 60, windowSeconds: 3600 },
          redisUrl: cluster.url,
          namespace: 'cluster-test',
          onStoreError: 'deny',
        },
      });
      const results = await Promise.all(
        Array.from({ length: 4 }, () => run(process.execPath, [sender, 'tencent', JSON.stringify(config), '50', '16'], { timeout: 60_000 }))
      );
      const totals = results.map(({ stdout }) => JSON.parse(stdout.trim().split('\n').at(-1)));
      for (const { stderr } of results) assert.deepStrictEqual(warnings(stderr), [], stderr);
      const sent = totals.reduce((sum, t) => sum + t.sent, 0);
      const overBudget = totals.reduce((sum, t) => sum + (t.limits.global ?? 0), 0);
      assert.equal(sent, 40, JSON.stringify(totals));
      assert.equal(overBudget, 160, JSON.stringify(totals));
      assert.equal(simulator.requests.length, 40);
      // Both counters, on the one node of their hash slot.
      assert.equal(await counted(cluster, counterKey('global', 3600, undefined, 'cluster-test')), 40);
      assert.equal(await counted(cluster, counterKey('perCountry', 3600, '86', 'cluster-test')), 40);
    } finally {
      await cluster.stop();
    }
  });

  it('a Redis user without scripting: the warning says permission, not credentials; deny refuses', { skip: redisMissing }, async () => {
    await redis.command('ACL', 'SETUSER', 'noscript', 'reset', 'on', `>${MARKER}`, '~*', '+@all', '-@scripting');
    try {
      const simulator = simulators.tencent;
      simulator.reset();
      const redisUrl = `redis://noscript:${MARKER}@127.0.0.1:${redis.port}/0`;
      const config = tencentConfig(simulator, { limits: { global: { max: 5, windowSeconds: 3600 }, redisUrl, onStoreError: 'deny' } });
      const { stdout, stderr } = await run(process.execPath, [sender, 'tencent', JSON.stringify(config), '3', '1'], { timeout: 60_000 });
      assert.ok(!stdout.includes(MARKER) && !stderr.includes(MARKER), 'the password leaked');
      const [warning] = warnings(stderr);
      assert.ok(warning, stderr);
      assert.equal(warning.cause, 'permission');
      assert.doesNotMatch(warning.problem, /credentials|password/i);
      assert.deepStrictEqual(JSON.parse(stdout.trim().split('\n').at(-1)).limits, { store: 3 });
      assert.equal(simulator.requests.length, 0);
    } finally {
      await redis.command('ACL', 'DELUSER', 'noscript');
    }
  });

  it('redisUrl env:NAME: unset, the warning names the variable; set, the URL it holds is used', { skip: redisMissing }, async () => {
    const simulator = simulators.tencent;
    simulator.reset();
    await redis.command('FLUSHALL');
    const variable = 'LOGTO_SMS_TEST_REDIS_URL';
    const config = tencentConfig(simulator, {
      limits: { global: { max: 2, windowSeconds: 3600 }, redisUrl: `env:${variable}`, onStoreError: 'deny' },
    });
    const env = { ...process.env };
    delete env[variable];
    const unset = await run(process.execPath, [sender, 'tencent', JSON.stringify(config), '2', '1'], { timeout: 60_000, env });
    const [warning] = warnings(unset.stderr);
    assert.ok(warning, unset.stderr);
    assert.equal(warning.cause, 'env');
    assert.match(warning.problem, new RegExp(`${variable} is not set`));
    assert.deepStrictEqual(JSON.parse(unset.stdout.trim().split('\n').at(-1)).limits, { store: 2 });

    const invalid = await run(process.execPath, [sender, 'tencent', JSON.stringify(config), '1', '1'], {
      timeout: 60_000,
      env: { ...env, [variable]: `http://:${MARKER}@127.0.0.1/` },
    });
    const [bad] = warnings(invalid.stderr);
    assert.equal(bad?.cause, 'env', invalid.stderr);
    assert.ok(!invalid.stderr.includes(MARKER));

    const set = await run(process.execPath, [sender, 'tencent', JSON.stringify(config), '3', '1'], {
      timeout: 60_000,
      env: { ...env, [variable]: redis.url },
    });
    assert.deepStrictEqual(warnings(set.stderr), []);
    const totals = JSON.parse(set.stdout.trim().split('\n').at(-1));
    assert.equal(totals.sent, 2);
    assert.deepStrictEqual(totals.limits, { global: 1 });
    assert.equal(await counted(redis, counterKey('global', 3600)), 2);
    assert.equal(simulator.requests.length, 2);
  });
});
