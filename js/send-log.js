// The one stderr line per send (CONTRACT §10). The native side builds it (it
// never holds the code, the full number or a secret); this puts the connector
// id first and writes it, unless LOGTO_SMS_LOG=off.

// Lines are written once per turn of the event loop: every send that finished
// in a turn adds its line to one buffer, written by a single
// `process.stderr.write` when the turn ends (setImmediate; the process's
// 'exit' writes what is left). A write is a system call on Logto's event
// loop; under load one turn finishes many sends, and one write per line was
// most of what the line cost per send (docs/benchmarks.md).

// One buffer per process, shared by every copy of this module (each connector
// folder bundles its own): one 'exit' listener, and the lines of all folders
// in the order their sends finished.
// Versioned: a folder of another release in the same process keeps its own.
const SHARED = Symbol.for('logto-sms-native.send-log.v1');
const buffer = (globalThis[SHARED] ??= (() => {
  const state = { pending: '', scheduled: false, flush: undefined };
  state.flush = () => {
    state.scheduled = false;
    if (state.pending === '') return;
    const text = state.pending;
    state.pending = '';
    try {
      process.stderr.write(text);
    } catch {
      // A log that cannot be written must not take Logto down from a
      // callback of its own (the sends themselves have already settled).
    }
  };
  process.on('exit', state.flush);
  return state;
})());

/** `{"connector":"<id>",`, made once per connector id. */
const prefixes = new Map();
const prefixOf = (connectorId) => {
  let prefix = prefixes.get(connectorId);
  if (prefix === undefined) prefixes.set(connectorId, (prefix = `{"connector":${JSON.stringify(connectorId)},`));
  return prefix;
};

/**
 * @param {string} connectorId
 * @param {string | object | undefined} line the native line (JSON object text,
 *   written as it is: no parse and stringify per send), or an object the glue built
 */
export const writeSendLog = (connectorId, line) => {
  if (!line || process.env.LOGTO_SMS_LOG === 'off') return;
  const text = typeof line === 'string' ? prefixOf(connectorId) + line.slice(1) : JSON.stringify({ connector: connectorId, ...line });
  buffer.pending += `${text}\n`;
  if (!buffer.scheduled) {
    buffer.scheduled = true;
    setImmediate(buffer.flush);
  }
};
