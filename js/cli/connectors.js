// The three connectors the tool knows, as the command line, Logto's database
// (connector_id) and the connector folders (package.json name) call them.
export const CONNECTORS = Object.freeze({
  aliyun: { id: 'aliyun-short-message-service', folder: 'connector-aliyun-sms-native' },
  tencent: { id: 'tencent-short-message-service', folder: 'connector-tencent-sms-native' },
  router: { id: 'sms-router-native', folder: 'connector-sms-router-native' },
});

/** The kind whose connector folder is named `packageName`, if any. */
export const kindOfFolder = (packageName) => Object.keys(CONNECTORS).find((kind) => CONNECTORS[kind].folder === packageName);
