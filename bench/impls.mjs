// How each measured implementation is loaded and how it sends one message.
// Workers import only this file and then, dynamically, the one implementation
// they measure, so a worker's memory and threads are that implementation's.
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

import { platformTag } from '../js/native-tag.js';
import { sendsOf } from '../js/sends.js';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const PROVIDERS = ['aliyun', 'tencent'];

/** What Logto hands a connector for a sign-in code to a mainland number. */
export const MESSAGE = Object.freeze({ to: '8613812345678', type: 'SignIn', payload: Object.freeze({ code: '123456' }) });

/** Our shipped connector folder's entry: what Logto itself loads. */
export const oursEntry = (provider) => path.join(ROOT, 'dist', `connector-${provider}-sms-native`, 'lib', 'index.js');
/** The SMS router's shipped folder entry. */
export const routerEntry = path.join(ROOT, 'dist', 'connector-sms-router-native', 'lib', 'index.js');

/** A router config with one account, `config` of type `provider`, taking every number. */
export const routerConfig = (provider, config) => ({
  providers: [{ name: `${provider}-account`, type: provider, config }],
  routes: [{ prefixes: ['*'], use: [`${provider}-account`] }],
});
export const officialPackage = (provider) => `@logto/connector-${provider}-sms`;

/**
 * The config both implementations get, from the test helpers. Tencent uses one
 * template id per usage type because the official guard refuses { china, overseas }.
 * The official connectors ignore `endpoint` (they are redirected by the test
 * helper instead), and it is removed from their copy.
 */
export async function benchConfig(provider, endpoint) {
  const { aliyunConfig, tencentConfig, USAGE_TYPES } = await import('../__test__/support/configs.mjs');
  const { TENCENT_DEFAULTS } = await import('../__test__/simulator/index.mjs');
  if (provider === 'aliyun') return aliyunConfig({ endpoint });
  return tencentConfig(
    { endpoint },
    { templates: USAGE_TYPES.map((usageType, i) => ({ usageType, templateCode: TENCENT_DEFAULTS.mainlandTemplates[i] })) }
  );
}

/**
 * Loads one implementation: `ours` (the shipped folder), `official` (the npm
 * package, redirected to `endpoint` by the test helper), or `ceiling` (our
 * transport alone: rawPost replaying captured bytes, no connector work).
 * Returns { send(): Promise, close(): Promise }.
 */
export async function loadImpl(impl, provider, { endpoint, config, request }) {
  if (impl === 'ours') {
    const { default: createConnector } = await import(pathToFileURL(oursEntry(provider)).href);
    const connector = await createConnector({ getConfig: async () => config });
    return { send: () => connector.sendMessage(MESSAGE), close: async () => {} };
  }
  if (impl === 'official') {
    const { loadOfficialAliyun, loadOfficialTencent } = await import('../__test__/support/official.mjs');
    const official = await (provider === 'aliyun' ? loadOfficialAliyun : loadOfficialTencent)(endpoint);
    const { endpoint: _ignored, ...officialConfig } = config;
    const connector = await official.createConnector({ getConfig: async () => officialConfig });
    return { send: () => connector.sendMessage(MESSAGE), close: async () => official.cleanup() };
  }
  if (impl === 'ceiling') {
    const native = benchBinding();
    if (typeof native.Sends?.prototype.rawPost !== 'function') {
      throw new Error(`ceiling unavailable: ${BENCH_ADDON} has no Sends.rawPost (it is built with the cargo feature \`bench\`)`);
    }
    // Started and reported like our sends (the same js/sends.js table and
    // native callback), so the ceiling crosses N-API the way a send does.
    const start = sendsOf(native);
    const body = Buffer.from(request.body, 'base64');
    const send = async () => {
      const { answer, failure } = await start('rawPost', endpoint, request.headers, body, 10_000);
      if (answer !== '200') throw new Error(`rawPost: ${failure ?? `HTTP ${answer}`}`);
    };
    return { send, close: async () => {} };
  }
  throw new Error(`unknown implementation ${impl}`);
}

// Headers the HTTP client adds by itself (rawPost and the load generator add their own).
const CLIENT_HEADERS = new Set(['host', 'content-length', 'connection', 'transfer-encoding', 'accept', 'accept-encoding', 'user-agent']);

/**
 * One real request of ours, as the responder on `port` received it (headers
 * the client adds itself left out): what the ceiling and the load generator replay.
 */
export async function captureOurs(provider, { port, endpoint, config }) {
  const ours = await loadImpl('ours', provider, { endpoint, config });
  await ours.send();
  const { rawHeaders, body } = await (await fetch(`http://127.0.0.1:${port}/__last/${provider}`)).json();
  const headers = [];
  for (let i = 0; i < rawHeaders.length; i += 2) {
    if (!CLIENT_HEADERS.has(rawHeaders[i].toLowerCase())) headers.push([rawHeaders[i], rawHeaders[i + 1]]);
  }
  return { headers, body };
}

/**
 * The benchmark's own build of this machine's addon: the shipped source with the
 * cargo feature `bench`, which adds rawPost (the transport-only ceiling).
 * Shipped binaries never carry rawPost; bench/bench.mjs builds this one first.
 */
export const BENCH_ADDON = path.join(ROOT, 'target', 'bench', `logto-sms-native.${platformTag()}.node`);
export const benchBinding = () => createRequire(import.meta.url)(BENCH_ADDON);
