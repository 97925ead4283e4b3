// The command line of CONTRACT §11, read strictly: an unknown flag, a flag
// without its value or a missing required one is bad usage (exit 2), never
// a guess.
export class UsageError extends Error {}

export const USAGE = `Usage:
  logto-sms doctor (--config <file>|- | --db-url <postgres url> [--tenant <id>]) [--json]
  logto-sms trace  (--config <file>|- | --db-url <postgres url> [--tenant <id>]) --phone <number>
                   [--date YYYY-MM-DD] [--id <BizId|SerialNo|MessageId>] [--json]
Inside a connector folder the connector is the folder's; from the repository
add --connector aliyun|tencent|router.
doctor checks a setup without sending anything; trace asks the provider what
became of the messages to one number on one day (China Standard Time).`;

const VALUE_FLAGS = new Set(['config', 'db-url', 'tenant', 'phone', 'date', 'id', 'connector']);
const SWITCHES = new Set(['json', 'help']);
const ALLOWED = {
  doctor: new Set(['config', 'db-url', 'tenant', 'json', 'connector']),
  trace: new Set(['config', 'db-url', 'tenant', 'json', 'connector', 'phone', 'date', 'id']),
};

/** `{ command, flags }` from argv (without node and the script), or a UsageError. */
export const parseArgs = (argv) => {
  const flags = {};
  const positional = [];
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i];
    if (arg === '-h') {
      flags.help = true;
      continue;
    }
    if (!arg.startsWith('--') || arg === '--') {
      positional.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = arg.slice(2, eq < 0 ? undefined : eq);
    if (SWITCHES.has(name)) {
      if (eq >= 0) throw new UsageError(`--${name} takes no value`);
      flags[name] = true;
      continue;
    }
    if (!VALUE_FLAGS.has(name)) throw new UsageError(`unknown flag --${name}`);
    let value;
    if (eq >= 0) value = arg.slice(eq + 1);
    else {
      value = argv[i + 1];
      i += 1;
    }
    // `-` alone is a value (stdin); any other flag-looking word is not.
    if (value === undefined || (value.startsWith('--') && value.length > 2)) throw new UsageError(`--${name} needs a value`);
    if (name in flags) throw new UsageError(`--${name} given twice`);
    flags[name] = value;
  }
  if (flags.help) return { command: 'help', flags };
  const [command, ...rest] = positional;
  if (!command) throw new UsageError('a command is needed: doctor or trace');
  if (!(command in ALLOWED)) throw new UsageError(`unknown command ${JSON.stringify(command)}`);
  if (rest.length > 0) throw new UsageError(`unexpected argument ${JSON.stringify(rest[0])}`);
  for (const name of Object.keys(flags)) {
    if (!ALLOWED[command].has(name)) throw new UsageError(`--${name} is not a flag of ${command}`);
  }
  if (('config' in flags) === ('db-url' in flags)) throw new UsageError('exactly one of --config and --db-url is needed');
  if ('tenant' in flags && !('db-url' in flags)) throw new UsageError('--tenant goes with --db-url');
  if (command === 'trace' && !flags.phone) throw new UsageError('trace needs --phone');
  return { command, flags };
};
