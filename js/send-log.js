// The one stderr line per send (CONTRACT §10). The native side builds it (it
// never holds the code, the full number or a secret); this puts the connector
// id first and writes it, unless LOGTO_SMS_LOG=off.

/** @param {string} connectorId @param {object | undefined} line the native `log` object */
export const writeSendLog = (connectorId, line) => {
  if (!line || process.env.LOGTO_SMS_LOG === 'off') return;
  process.stderr.write(`${JSON.stringify({ connector: connectorId, ...line })}\n`);
};
