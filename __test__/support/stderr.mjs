// The send log lines this process writes (CONTRACT §10), captured: stderr is
// intercepted and LOGTO_SMS_LOG turned on while `run` runs, then both are
// restored. Resolves to `run`'s value and everything written to stderr.
export const captureStderr = async (run) => {
  const written = [];
  const write = process.stderr.write;
  process.stderr.write = (chunk, ...rest) => {
    written.push(String(chunk));
    return typeof rest.at(-1) === 'function' ? (rest.at(-1)(), true) : true;
  };
  const saved = process.env.LOGTO_SMS_LOG;
  delete process.env.LOGTO_SMS_LOG;
  try {
    return { value: await run(), text: written.join('') };
  } finally {
    process.stderr.write = write;
    if (saved === undefined) delete process.env.LOGTO_SMS_LOG;
    else process.env.LOGTO_SMS_LOG = saved;
  }
};

/** The JSON lines of captured stderr text. */
export const jsonLines = (text) =>
  text
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line));
