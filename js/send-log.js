// The one stderr line per send (CONTRACT §10). The native side builds it (it
// never holds the code, the full number or a secret); this puts the connector
// id first and writes it, unless LOGTO_SMS_LOG=off.

/**
 * @param {string} connectorId
 * @param {string | object | undefined} line the native line (JSON object text,
 *   written as it is: no parse and stringify per send), or an object the glue built
 */
export const writeSendLog = (connectorId, line) => {
  if (!line || process.env.LOGTO_SMS_LOG === 'off') return;
  const text = typeof line === 'string' ? `{"connector":${JSON.stringify(connectorId)},${line.slice(1)}` : JSON.stringify({ connector: connectorId, ...line });
  process.stderr.write(`${text}\n`);
};
