// A scratch folder laid out like a Logto instance's packages/core/connectors/,
// loaded with Logto's own loader from @logto/cli (the code Logto runs at start-up).
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { loadConnector } from '@logto/cli/lib/connector/loader.js';
import { buildRawConnector, parseMetadata, validateConnectorModule } from '@logto/cli/lib/connector/utils.js';
import { getConnectorPackagesFromDirectory } from '@logto/cli/lib/utils.js';
import { notImplemented } from '@logto/cli/lib/connector/consts.js';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const distFolder = (name) => path.join(repoRoot, 'dist', name);
let counter = 0;

/**
 * Creates <repo>/__test__/.tmp/logto-<pid>-<n>/packages/core/connectors/ holding copies
 * of the given connector folders. Inside the repository, bare imports walk up to the
 * repository's node_modules, as a Logto instance's resolve to packages/core/node_modules.
 */
export const scratchInstance = (folders) => {
  counter += 1;
  const root = path.join(repoRoot, '__test__', '.tmp', `logto-${process.pid}-${counter}`);
  const connectorsDir = path.join(root, 'packages', 'core', 'connectors');
  mkdirSync(connectorsDir, { recursive: true });
  for (const folder of folders) cpSync(folder, path.join(connectorsDir, path.basename(folder)), { recursive: true });
  return { root, connectorsDir, remove: () => rmSync(root, { recursive: true, force: true }) };
};

/**
 * What Logto does at start-up for each package in connectors/: find it by name,
 * check the kit range, import lib/index.js, call createConnector with a getConfig
 * that throws, validate the module, read logo and readme. Unlike Logto (which only
 * logs and skips a broken package), a failure here throws.
 */
export const loadFactories = async (connectorsDir) => {
  const packages = await getConnectorPackagesFromDirectory(connectorsDir);
  return Promise.all(
    packages.map(async ({ path: packagePath, name }) => {
      const createConnector = await loadConnector(packagePath, false);
      const rawConnector = await createConnector({ getConfig: notImplemented });
      validateConnectorModule(rawConnector);
      return {
        name,
        path: packagePath,
        metadata: await parseMetadata(rawConnector.metadata, packagePath),
        type: rawConnector.type,
        configGuard: rawConnector.configGuard,
        createConnector,
      };
    })
  );
};

/** Logto's per-request connector build with a stored config. */
export const buildConnector = async (factory, config) => {
  const { rawConnector } = await buildRawConnector(factory, async () => config);
  return rawConnector;
};

const cliBin = path.join(repoRoot, 'node_modules', '@logto', 'cli', 'bin', 'logto.js');
const officialPackages = { aliyun: '@logto/connector-aliyun-sms', tencent: '@logto/connector-tencent-sms' };

/**
 * A scratch Logto instance as a self-hoster has it: packages/core/package.json
 * named @logto/core, the connector kit in packages/core/node_modules, and the
 * official SMS connectors linked into packages/core/connectors/ the way Logto's
 * `connector link` ships them (@logto-connector-x -> ../../connectors/connector-x).
 * `kit` picks the host's connector-kit: 'connector-kit' (5.x) or 'connector-kit-4'.
 */
export const scratchLogto = ({ kit = '@logto/connector-kit' } = {}) => {
  counter += 1;
  const root = path.join(repoRoot, '__test__', '.tmp', `logto-instance-${process.pid}-${counter}`);
  const core = path.join(root, 'packages', 'core');
  const connectorsDir = path.join(core, 'connectors');
  mkdirSync(connectorsDir, { recursive: true });
  mkdirSync(path.join(core, 'node_modules', '@logto'), { recursive: true });
  writeFileSync(path.join(core, 'package.json'), JSON.stringify({ name: '@logto/core', version: '1.43.0', type: 'module' }));
  symlinkSync(path.join(repoRoot, 'node_modules', kit), path.join(core, 'node_modules', '@logto', 'connector-kit'), 'dir');
  for (const [provider, name] of Object.entries(officialPackages)) {
    const source = path.join(root, 'packages', 'connectors', `connector-${provider}-sms`);
    cpSync(path.join(repoRoot, 'node_modules', name), source, { recursive: true });
    symlinkSync(path.join('..', '..', 'connectors', `connector-${provider}-sms`), path.join(connectorsDir, `@logto-connector-${provider}-sms`), 'dir');
  }
  return { root, connectorsDir, remove: () => rmSync(root, { recursive: true, force: true }) };
};

/** `logto connector add <source> -p <instance>` with the real @logto/cli. */
export const cliConnectorAdd = (source, instanceRoot) =>
  execFileSync(process.execPath, [cliBin, 'connector', 'add', source, '-p', instanceRoot], { cwd: instanceRoot, encoding: 'utf8', stdio: 'pipe' });

/** The ids Logto would see twice (it then rejects every connector). */
export const duplicateIds = (factories) => {
  const ids = factories.map((f) => f.metadata.id);
  return [...new Set(ids.filter((id, i) => ids.indexOf(id) !== i))];
};
