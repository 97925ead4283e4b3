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
 * The provider's parsed answer. The native reader already parsed it as JSON,
 * so this cannot throw in practice; if it ever did, the message has gone out
 * and the text is returned rather than an error that would make the user ask
 * for a second code.
 */
const readAnswer = (answer) => {
  try {
    return JSON.parse(answer);
  } catch {
    return answer;
  }
};

/**
 * @param {{ metadata: object, parseConfig: (json: string) => string,
 *           send: (configJson: string, dataJson: string) => Promise<{ answer?: string, failure?: string, log: string }>,
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
      let result;
      try {
        const config = inputConfig ?? (await getConfig(metadata.id));
        // { answer | failure, log }: the provider's answer crosses as it came.
        result = await send(encode(config, configSchema), encode(data, DATA_SCHEMA));
      } catch (error) {
        // Nothing reached the native send (no config from Logto, an addon that
        // cannot load): the line still says a send was asked for and failed.
        writeSendLog(metadata.id, { usageType: typeof data?.type === 'string' ? data.type : '', outcome: error?.code ?? ConnectorErrorCodes.General });
        throw error;
      }
      writeSendLog(metadata.id, result.log);
      if (result.failure === undefined || result.failure === null) return readAnswer(result.answer);
      throw toConnectorError(JSON.parse(result.failure));
    },
  });
};
