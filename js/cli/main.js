// The logto-sms command line (CONTRACT §11): doctor and trace. Reads the
// connector's config (a file, stdin, or Logto's database), hands it to the
// native side, which only ever calls the providers' read-only APIs, and
// prints a table or one JSON document. Exit codes: 0 ok, 1 a failed check or
// query, 2 bad usage (flags, an unreadable config, an unreachable database,
// no such connector row).
import { readFileSync } from 'node:fs';
import path from 'node:path';

import { USAGE, UsageError, parseArgs } from './args.js';
import { readConfigFile } from './config-file.js';
import { CONNECTORS, kindOfFolder } from './connectors.js';
import { doctorTable, traceTable } from './format.js';
import { AddonError, loadAddon } from './native.js';

/** The connector kind of the folder at `root`, from its package.json name. */
const folderKind = (root) => {
  try {
    return kindOfFolder(JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')).name);
  } catch {
    return undefined;
  }
};

const chooseKind = (root, flag) => {
  const own = folderKind(root);
  if (flag !== undefined && !(flag in CONNECTORS)) throw new UsageError(`--connector must be aliyun, tencent or router`);
  if (own && flag && flag !== own) throw new UsageError(`this is the ${own} connector's folder: --connector ${flag} does not match`);
  const kind = own ?? flag;
  if (!kind) throw new UsageError('--connector aliyun|tencent|router is needed outside a connector folder');
  return kind;
};

const readConfig = async (flags, connectorId) => {
  if (flags.config !== undefined) return readConfigFile(flags.config);
  // Loaded only when asked for: --config needs no database client.
  const { readConfigRow, DatabaseError } = await import('./database.js');
  try {
    return await readConfigRow(flags['db-url'], connectorId, flags.tenant ?? 'default');
  } catch (error) {
    if (error instanceof DatabaseError) throw new UsageError(error.message);
    throw error;
  }
};

/**
 * Runs the command line; resolves to the exit code. `root` is the folder
 * holding bin/ and native/ (a connector folder, or the repository).
 */
export const main = async (argv, { root, stdout = process.stdout, stderr = process.stderr }) => {
  try {
    const { command, flags } = parseArgs(argv);
    if (command === 'help') {
      stdout.write(`${USAGE}\n`);
      return 0;
    }
    const kind = chooseKind(root, flags.connector);
    const connector = CONNECTORS[kind].id;
    const config = await readConfig(flags, connector);
    const addon = loadAddon(root);
    const configJson = JSON.stringify(config);
    if (command === 'doctor') {
      const answer = JSON.parse(await addon.smsDoctor(kind, configJson));
      if (!answer.checks) throw new AddonError(answer.internal ?? 'the doctor gave no checks');
      const ok = !answer.checks.some((check) => check.status === 'fail');
      const document = { ok, connector, checks: answer.checks };
      stdout.write(flags.json ? `${JSON.stringify(document, null, 2)}\n` : doctorTable(document));
      return ok ? 0 : 1;
    }
    const query = { phone: flags.phone, date: flags.date, id: flags.id };
    const answer = JSON.parse(await addon.smsTrace(kind, configJson, JSON.stringify(query)));
    if (answer.usage) throw new UsageError(answer.usage);
    if (answer.internal) throw new AddonError(answer.internal);
    const document = answer.ok
      ? { ok: true, connector, phone: flags.phone, date: answer.date, messages: answer.messages }
      : { ok: false, connector, error: answer.error };
    const shown = { ...document, phone: flags.phone, date: answer.date ?? flags.date ?? null };
    stdout.write(flags.json ? `${JSON.stringify(document, null, 2)}\n` : traceTable(shown));
    return answer.ok ? 0 : 1;
  } catch (error) {
    if (error instanceof UsageError) {
      stderr.write(`logto-sms: ${error.message}\n\n${USAGE}\n`);
      return 2;
    }
    stderr.write(`logto-sms: ${error instanceof AddonError ? error.message : error?.stack ?? error}\n`);
    return 1;
  }
};
