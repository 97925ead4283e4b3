// Loads the official npm connectors (@logto/connector-aliyun-sms,
// @logto/connector-tencent-sms) so that they talk to a loopback simulator
// instead of the real provider.
//
// The official packages hard-code their endpoints and call `got`; no config
// key changes that. So the package's `lib/index.js` is copied into a temp
// folder inside the repository (`__test__/.tmp/official-<provider>-<pid>-<n>/`,
// gitignored), where its bare imports (`got`, `zod`, `@logto/connector-kit`,
// `@silverhand/essentials`) still resolve through /work/main/node_modules, and
// the endpoint is string-replaced:
//
// - Aliyun: the `request(endpoint, …)` call site reads the URL from
//   `globalThis.__LOGTO_SMS_SIM_ALIYUN__` at call time; the hard-coded
//   `var endpoint = "https://dysmsapi.aliyuncs.com/"` is neutralised.
// - Tencent: `got.post(\`https://${endpoint}\`, …)` posts to
//   `globalThis.__LOGTO_SMS_SIM_TENCENT__` (read at call time). The `Host:
//   endpoint` header and the signed host stay `sms.tencentcloudapi.com`: the
//   simulator verifies TC3 with the Host header it received.
//
// Every replacement must apply exactly once, and the patched file must no
// longer name the real API URL: an upstream change fails loudly here rather
// than sending a real SMS. When the global is not a string, the patched code
// throws instead of falling back to anything.
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const require = createRequire(import.meta.url);
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const tmpRoot = path.join(repoRoot, '__test__', '.tmp');

export const ALIYUN_GLOBAL = '__LOGTO_SMS_SIM_ALIYUN__';
export const TENCENT_GLOBAL = '__LOGTO_SMS_SIM_TENCENT__';

let counter = 0;

/** Code that yields the simulator URL from a global at call time, or throws. */
const readGlobal = (name) =>
  `(() => { const u = globalThis.${name}; ` +
  `if (typeof u !== "string" || !/^http:\\/\\/(127\\.0\\.0\\.1|localhost)[:/]/.test(u)) ` +
  `throw new Error("official connector redirect: globalThis.${name} is not a loopback simulator URL"); return u; })()`;

/** Replace `from` by `to` in `text`, asserting exactly one occurrence. */
export function replaceOnce(text, from, to, what) {
  const parts = text.split(from);
  if (parts.length !== 2) {
    throw new Error(
      `official connector patch (${what}): expected exactly 1 occurrence of ${JSON.stringify(from)}, found ${parts.length - 1}. ` +
        'The upstream package changed; update __test__/support/official.mjs instead of risking a call to the real provider.'
    );
  }
  return parts.join(to);
}

const PROVIDERS = {
  aliyun: {
    pkg: '@logto/connector-aliyun-sms',
    global: ALIYUN_GLOBAL,
    patch(source) {
      let out = replaceOnce(
        source,
        'var endpoint = "https://dysmsapi.aliyuncs.com/";',
        'var endpoint = void 0; /* redirected to a loopback simulator by __test__/support/official.mjs */',
        'aliyun endpoint declaration'
      );
      out = replaceOnce(out, 'request(endpoint,', `request(${readGlobal(ALIYUN_GLOBAL)},`, 'aliyun request call site');
      if (/aliyuncs\.com/.test(out)) throw new Error('official connector patch (aliyun): the real API host is still named after patching');
      return out;
    },
  },
  tencent: {
    pkg: '@logto/connector-tencent-sms',
    global: TENCENT_GLOBAL,
    patch(source) {
      // The host constant is kept on purpose: it is the Host header and the signed host.
      replaceOnce(source, 'var endpoint = "sms.tencentcloudapi.com";', 'var endpoint = "sms.tencentcloudapi.com";', 'tencent host constant');
      replaceOnce(source, 'Host: endpoint,', 'Host: endpoint,', 'tencent Host header');
      const out = replaceOnce(source, 'got.post(`https://${endpoint}`', `got.post(${readGlobal(TENCENT_GLOBAL)}`, 'tencent got.post URL');
      if (/https:\/\/\$\{endpoint\}|https:\/\/sms\.tencentcloudapi\.com/.test(out)) {
        throw new Error('official connector patch (tencent): a real API URL is still present after patching');
      }
      return out;
    },
  },
};

async function loadOfficial(provider, simulatorEndpoint) {
  const spec = PROVIDERS[provider];
  if (typeof simulatorEndpoint !== 'string' || !/^http:\/\/(127\.0\.0\.1|localhost)[:/]/.test(simulatorEndpoint)) {
    throw new Error(`loadOfficial(${provider}): a loopback simulator endpoint is required, got ${simulatorEndpoint}`);
  }
  // The package's `exports` hides package.json; its entry is lib/index.js.
  const entry = require.resolve(spec.pkg);
  const pkgDir = path.dirname(path.dirname(entry));
  const pkgJsonPath = path.join(pkgDir, 'package.json');
  if (path.relative(pkgDir, entry) !== path.join('lib', 'index.js')) {
    throw new Error(`loadOfficial(${provider}): unexpected entry ${entry}`);
  }
  const source = readFileSync(path.join(pkgDir, 'lib', 'index.js'), 'utf8');
  const patched = spec.patch(source);

  counter += 1;
  const dir = path.join(tmpRoot, `official-${provider}-${process.pid}-${counter}`);
  mkdirSync(path.join(dir, 'lib'), { recursive: true });
  copyFileSync(pkgJsonPath, path.join(dir, 'package.json')); // "type": "module"
  const file = path.join(dir, 'lib', 'index.js');
  writeFileSync(file, patched);

  let current = simulatorEndpoint;
  globalThis[spec.global] = current;
  const module = await import(pathToFileURL(file).href);
  const createConnector = module.default;
  if (typeof createConnector !== 'function') throw new Error(`loadOfficial(${provider}): no default export`);

  const pkg = JSON.parse(readFileSync(pkgJsonPath, 'utf8'));
  return {
    createConnector,
    version: pkg.version,
    dir,
    /** Point the loaded connector at another simulator (read at call time). */
    setEndpoint(url) {
      current = url;
      globalThis[spec.global] = url;
    },
    cleanup() {
      if (globalThis[spec.global] === current) delete globalThis[spec.global];
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** @returns {Promise<{ createConnector, version, dir, setEndpoint, cleanup }>} */
export const loadOfficialAliyun = (simulatorEndpoint) => loadOfficial('aliyun', simulatorEndpoint);
/** @returns {Promise<{ createConnector, version, dir, setEndpoint, cleanup }>} */
export const loadOfficialTencent = (simulatorEndpoint) => loadOfficial('tencent', simulatorEndpoint);
