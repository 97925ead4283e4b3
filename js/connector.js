// The one connector shape both providers share: Logto's SmsConnector over a
// native guard and a native send. The host's ConnectorError class is used
// (Logto checks `instanceof` against its own copy of @logto/connector-kit).
import { ConnectorError, ConnectorErrorCodes, ConnectorType } from '@logto/connector-kit';

import { CONFIG_SCHEMA, DATA_SCHEMA, encode } from './encode.js';
import { GuardError, createGuard } from './guard.js';
import { writeSendLog } from './send-log.js';

const knownCodes = new Set(Object.values(ConnectorErrorCodes));

/** The host's code for a native outcome code; kits before 5.1.1 lack usage_limit_exceeded. */
const hostCode = (code) => (knownCodes.has(code) ? code : ConnectorErrorCodes.General);

export const toConnectorError = (outcome) =>
  outcome.issues
    ? new ConnectorError(ConnectorErrorCodes.InvalidConfig, new GuardError(outcome.issues))
    : new ConnectorError(hostCode(outcome.code), outcome.data);

/**
 * @param {{ metadata: object, parseConfig: (json: string) => string,
 *           send: (configJson: string, dataJson: string) => Promise<string>,
 *           configSchema?: object }} provider
 */
export const defineSmsConnector = ({ metadata, parseConfig, send, configSchema = CONFIG_SCHEMA }) => {
  // Built once per process: Logto calls createConnector on every lookup.
  const configGuard = createGuard(parseConfig, configSchema);

  return async ({ getConfig }) => ({
    metadata,
    type: ConnectorType.Sms,
    configGuard,
    sendMessage: async (data, inputConfig) => {
      let outcome;
      let logLine;
      try {
        const config = inputConfig ?? (await getConfig(metadata.id));
        // The outcome document, a newline, the send's log line.
        const text = await send(encode(config, configSchema), encode(data, DATA_SCHEMA));
        const end = text.indexOf('\n');
        outcome = JSON.parse(end < 0 ? text : text.slice(0, end));
        logLine = end < 0 ? undefined : text.slice(end + 1);
      } catch (error) {
        // Nothing reached the native send (no config from Logto, an addon that
        // cannot load): the line still says a send was asked for and failed.
        writeSendLog(metadata.id, { usageType: typeof data?.type === 'string' ? data.type : '', outcome: error?.code ?? ConnectorErrorCodes.General });
        throw error;
      }
      writeSendLog(metadata.id, logLine);
      if (outcome.ok) return outcome.value;
      throw toConnectorError(outcome);
    },
  });
};
