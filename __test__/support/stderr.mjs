// The send log lines this process writes (CONTRACT §10), captured: stderr is
// intercepted and LOGTO_SMS_LOG turned on while `run` runs, then both are
// restored. Resolves to `run`'s value and everything written to stderr.
export const captureStderr = async (run) => {
  // Lines of earlier sends still waiting for their turn to end go out first,
  // to the real stderr.
  await new Promise((resolve) => setImmediate(resolve));
  const written = [];
  const write = process.stderr.write;
  process.stderr.write = (chunk, ...rest) => {
    written.push(String(chunk));
    return typeof rest.at(-1) === 'function' ? (rest.at(-1)(), true) : true;
  };
  const saved = process.env.LOGTO_SMS_LOG;
  delete process.env.LOGTO_SMS_LOG;
  try {
    const value = await run();
    return { value, text: await settled(written) };
  } finally {
    // A run that threw still leaves its lines here, not on the real stderr.
    await settled(written);
    process.stderr.write = write;
    if (saved === undefined) delete process.env.LOGTO_SMS_LOG;
    else process.env.LOGTO_SMS_LOG = saved;
  }
};

/**
 * What was written once this turn's log lines are out: the glue writes them
 * when the turn ends (js/send-log.js), in a check-phase callback queued
 * before this one.
 */
const settled = async (written) => {
  await new Promise((resolve) => setImmediate(resolve));
  return written.join('');
};

/** The JSON lines of captured stderr text. */
export const jsonLines = (text) =>
  text
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line));
