// Success answers in every shape JSON allows (CONTRACT §5), through the three
// connector folders as Logto loads them: pretty-printed, with a trailing
// newline, with numbers where strings are usual in an optional field. The
// message went out in each case, so each must resolve to the parsed answer:
// reporting a failure would make the user ask for a second code. (Before the
// send result crossed N-API as separate values, a newline in the provider's
// body broke the framing and the glue threw a SyntaxError after the SMS went out.)
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { aliyunConfig, tencentConfig } from './support/configs.mjs';
import { buildConnector, distFolder, loadFactories, scratchInstance } from './support/logto-instance.mjs';
import { startAliyunSimulator, startTencentSimulator } from './simulator/index.mjs';

const CN = '8613812345678';
const data = { to: CN, type: 'SignIn', payload: { code: '482913' } };

const aliyunAnswer = { Message: 'OK', RequestId: 'F655A8D5-B967-440B-8683-DAD6FF8DE990', Code: 'OK', BizId: '900619746936498440^0' };
const tencentAnswer = {
  Response: {
    SendStatusSet: [{ SerialNo: '5000:1045710669157053657849499619', PhoneNumber: `+${CN}`, Fee: 1, SessionContext: '', Code: 'Ok', Message: 'send success', IsoCode: 'CN' }],
    RequestId: 'a0aabda6-cf91-4f3e-a81f-9198114a2279',
  },
};

/** The same document written the ways a provider or a relay might write it. */
const shapes = (document) => [
  ['pretty-printed', JSON.stringify(document, null, 2)],
  ['pretty-printed with a trailing newline', `${JSON.stringify(document, null, 2)}\n`],
  ['compact with a trailing newline', `${JSON.stringify(document)}\n`],
  ['tabs, CRLF and leading whitespace', `\r\n\t${JSON.stringify(document, null, '\t').replaceAll('\n', '\r\n')}\r\n`],
];

describe('success answers in any JSON layout, through each connector folder', () => {
  let aliyun;
  let tencent;
  let instance;
  const connectors = {};

  before(async () => {
    [aliyun, tencent] = await Promise.all([startAliyunSimulator(), startTencentSimulator()]);
    instance = scratchInstance(['connector-aliyun-sms-native', 'connector-tencent-sms-native', 'connector-sms-router-native'].map(distFolder));
    const factories = await loadFactories(instance.connectorsDir);
    const byId = Object.fromEntries(factories.map((factory) => [factory.metadata.id, factory]));
    connectors.aliyun = await buildConnector(byId['aliyun-short-message-service'], aliyunConfig(aliyun));
    connectors.tencent = await buildConnector(byId['tencent-short-message-service'], tencentConfig(tencent));
    connectors.router = await buildConnector(byId['sms-router-native'], {
      providers: [{ name: 'cn', type: 'aliyun', config: aliyunConfig(aliyun) }],
      routes: [{ prefixes: ['*'], use: ['cn'] }],
    });
  });
  after(async () => {
    instance?.remove();
    await Promise.all([aliyun?.close(), tencent?.close()]);
  });

  const cases = [
    ['aliyun', () => aliyun, aliyunAnswer],
    ['tencent', () => tencent, tencentAnswer],
    ['router', () => aliyun, aliyunAnswer],
  ];
  for (const [folder, simulator, document] of cases) {
    for (const [shape, body] of shapes(document)) {
      it(`${folder}: ${shape} resolves to the parsed answer, one request`, async () => {
        const sim = simulator();
        sim.reset();
        sim.script({ status: 200, raw: body, contentType: 'application/json;charset=utf-8' });
        const value = await connectors[folder].sendMessage(data);
        assert.deepEqual(value, document);
        assert.equal(sim.requests.length, 1);
      });
    }
  }

  it('aliyun: a numeric BizId in a success answer is still a success (read leniently once Code says OK)', async () => {
    aliyun.reset();
    const body = '{"Message":"OK","RequestId":"R-1","Code":"OK","BizId":900619746936498440}';
    aliyun.script({ status: 200, raw: body, contentType: 'application/json' });
    const value = await connectors.aliyun.sendMessage(data);
    assert.equal(value.Code, 'OK');
    assert.equal(typeof value.BizId, 'number');
  });

  it('tencent: numbers and nulls in optional fields of a success answer are still a success', async () => {
    tencent.reset();
    const lenient = structuredClone(tencentAnswer);
    Object.assign(lenient.Response.SendStatusSet[0], { SerialNo: 5000, Fee: '1', IsoCode: null, SessionContext: null });
    tencent.script({ status: 200, raw: `${JSON.stringify(lenient, null, 2)}\n`, contentType: 'application/json' });
    const value = await connectors.tencent.sendMessage(data);
    assert.equal(value.Response.SendStatusSet[0].Code, 'Ok');
    assert.equal(value.Response.SendStatusSet[0].SerialNo, 5000);
  });
});
