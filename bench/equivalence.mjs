// Before any timing: one send from each implementation to the real simulators
// (which verify signatures, timestamps and nonces), and a comparison of what
// the provider sees. Per-request values (Aliyun Signature/SignatureNonce/
// Timestamp, Tencent signature and timestamp headers) are left out.
// Documented difference for mainland numbers: Tencent's PhoneNumberSet is
// "+8613812345678" from ours (E.164) and "8613812345678" from the official one.
import { startAliyunSimulator, startTencentSimulator } from '../__test__/simulator/index.mjs';
import { benchConfig, loadImpl } from './impls.mjs';

const PER_REQUEST = new Set(['Signature', 'SignatureNonce', 'Timestamp']);
const TENCENT_HEADERS = ['x-tc-action', 'x-tc-version', 'x-tc-region'];
const EXPECTED = {
  aliyun: {},
  tencent: { 'body.PhoneNumberSet': { ours: '["+8613812345678"]', official: '["8613812345678"]' } },
};

/** The provider-visible fields of one recorded simulator request, as strings. */
function visibleFields(provider, recorded) {
  const fields = {};
  if (provider === 'aliyun') {
    for (const [key, value] of Object.entries(recorded.params)) if (!PER_REQUEST.has(key)) fields[`form.${key}`] = value;
  } else {
    for (const [key, value] of Object.entries(recorded.body)) fields[`body.${key}`] = JSON.stringify(value);
    for (const name of TENCENT_HEADERS) fields[`header.${name}`] = recorded.headers[name];
  }
  return fields;
}

async function oneProvider(provider) {
  const sim = await (provider === 'aliyun' ? startAliyunSimulator : startTencentSimulator)();
  try {
    const config = await benchConfig(provider, sim.endpoint);
    const seen = {};
    for (const impl of ['ours', 'official']) {
      sim.reset();
      const target = await loadImpl(impl, provider, { endpoint: sim.endpoint, config });
      try {
        await target.send();
      } finally {
        await target.close();
      }
      if (sim.requests.length !== 1 || sim.requests[0].verdict !== 'ok') {
        throw new Error(`${impl} ${provider}: simulator verdict ${sim.requests.map((r) => r.verdict).join(', ')}`);
      }
      seen[impl] = visibleFields(provider, sim.requests[0]);
    }
    const keys = [...new Set([...Object.keys(seen.ours), ...Object.keys(seen.official)])].sort();
    const rows = keys.map((field) => {
      const ours = seen.ours[field];
      const official = seen.official[field];
      const expected = EXPECTED[provider][field];
      const verdict =
        ours === official ? 'equal' : expected?.ours === ours && expected?.official === official ? 'documented difference' : 'UNEXPECTED';
      return { provider, field, ours, official, verdict };
    });
    return rows;
  } finally {
    await sim.close();
  }
}

/** Rows { provider, field, ours, official, verdict } for both providers. */
export async function checkEquivalence() {
  const rows = [];
  for (const provider of ['aliyun', 'tencent']) rows.push(...(await oneProvider(provider)));
  return rows;
}
