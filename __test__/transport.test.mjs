// What the transport does when the network misbehaves, counted where it
// happens: TCP connection attempts by the kernel (in a network namespace of the
// test's own), TLS connections and requests by the servers, proxy tunnels by
// the proxy. Only a failure to connect may take the one retry; nothing that may
// have reached the provider is ever sent again.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';

import { ConnectorError } from '@logto/connector-kit';

import { createAliyunSmsConnector, createTencentSmsConnector } from '../index.js';
import { aliyunConfig, settle, tencentConfig } from './support/configs.mjs';
import { inNetworkNamespace } from './support/netns.mjs';
import { startAliyunSimulator, startTencentSimulator } from './simulator/index.mjs';

const run = promisify(execFile);
const child = (name) => new URL(`./children/${name}`, import.meta.url).pathname;
const data = { to: '8613812345678', type: 'SignIn', payload: { code: '123456' } };
const providers = [
  ['aliyun', createAliyunSmsConnector, aliyunConfig, startAliyunSimulator],
  ['tencent', createTencentSmsConnector, tencentConfig, startTencentSimulator],
];

describe('connect failures: counted by the kernel', () => {
  for (const [name] of providers) {
    it(`${name}: a refused connection is tried exactly twice, then general "Nothing was sent"`, async () => {
      const result = JSON.parse(await inNetworkNamespace(child('connect-attempts.mjs'), [name, 'refused']));
      assert.equal(result.attempts, 2, JSON.stringify(result));
      assert.equal(result.code, 'general');
      assert.match(result.description, /refused/i);
      assert.match(result.description, /Nothing was sent/);
    });

    it(`${name}: a connection attempt that gets no answer ends at its own deadline as a connect failure, tried exactly twice`, async () => {
      const result = JSON.parse(await inNetworkNamespace(child('connect-attempts.mjs'), [name, 'unanswered']));
      assert.equal(result.attempts, 2, JSON.stringify(result));
      assert.equal(result.code, 'general');
      // Not "may have been sent": nothing was connected, so nothing was sent.
      assert.match(result.description, /Could not connect/);
      assert.match(result.description, /Nothing was sent/);
      assert.doesNotMatch(result.description, /may have been sent/);
    });
  }
});

describe('TLS and keep-alive', () => {
  let tls;
  let tlsConnections = 0;
  let tlsRequests = 0;

  before(async () => {
    const fixture = (file) => readFileSync(new URL(`./fixtures/${file}`, import.meta.url));
    tls = https.createServer({ key: fixture('untrusted-key.pem'), cert: fixture('untrusted-cert.pem') }, (request, response) => {
      tlsRequests += 1;
      response.end('{"Code":"OK"}');
    });
    tls.on('connection', () => {
      tlsConnections += 1;
    });
    await new Promise((resolve) => tls.listen(0, '127.0.0.1', resolve));
  });
  after(async () => {
    tls?.closeAllConnections();
    await new Promise((resolve) => tls?.close(resolve));
  });

  for (const [name, create, config] of providers) {
    it(`${name}: an untrusted certificate is not retried: exactly one TCP connection reaches the server, no request`, async () => {
      tlsConnections = 0;
      tlsRequests = 0;
      const connector = await create({ getConfig: async () => ({}) });
      const { error } = await settle(connector.sendMessage(data, config({ endpoint: `https://127.0.0.1:${tls.address().port}/` })));
      assert.ok(error instanceof ConnectorError);
      assert.equal(error.code, 'general');
      assert.match(error.data.errorDescription, /certificate/i);
      assert.equal(tlsConnections, 1);
      assert.equal(tlsRequests, 0);
    });
  }

  for (const [name, create, config, start] of providers) {
    it(`${name}: after the server closed an idle keep-alive connection, the next send succeeds, each sent once`, async () => {
      // The server drops a connection 200 ms after its last answer, as a load
      // balancer does after its idle timeout (Aliyun SLB: 15 s).
      const simulator = await start({ keepAliveTimeoutMs: 200 });
      try {
        const connector = await create({ getConfig: async () => config(simulator) });
        for (let round = 0; round < 3; round += 1) {
          const { value, error } = await settle(connector.sendMessage(data));
          assert.ok(value, error?.message);
          // Wait until the server has closed the idle connection.
          while (simulator.openConnections > 0) await new Promise((resolve) => setTimeout(resolve, 50));
        }
        assert.equal(simulator.requests.length, 3);
        assert.equal(simulator.connections, 3);
      } finally {
        await simulator.close();
      }
    });
  }
});

/**
 * An HTTP proxy that only tunnels (CONNECT), as company egress proxies do for
 * https. It records every tunnel asked for and connects it to `target`.
 */
const startTunnelProxy = async (target) => {
  const tunnels = [];
  const plainRequests = [];
  const proxy = http.createServer((request, response) => {
    plainRequests.push(request.url);
    response.writeHead(502).end();
  });
  proxy.on('connect', (request, client, head) => {
    tunnels.push(request.url);
    const upstream = net.connect(target.port, '127.0.0.1', () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
  });
  await new Promise((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${proxy.address().port}`,
    tunnels,
    plainRequests,
    close: () => {
      proxy.closeAllConnections();
      return new Promise((resolve) => proxy.close(resolve));
    },
  };
};

describe('proxies', () => {
  let tls;
  let proxy;
  let simulator;

  before(async () => {
    const fixture = (file) => readFileSync(new URL(`./fixtures/${file}`, import.meta.url));
    tls = https.createServer({ key: fixture('untrusted-key.pem'), cert: fixture('untrusted-cert.pem') }, (request, response) => response.end('{}'));
    await new Promise((resolve) => tls.listen(0, '127.0.0.1', resolve));
    proxy = await startTunnelProxy(tls.address());
    simulator = await startAliyunSimulator();
  });
  after(async () => {
    await proxy?.close();
    tls?.closeAllConnections();
    await new Promise((resolve) => tls?.close(resolve));
    await simulator?.close();
  });

  const sendInChild = async (endpoint) => {
    const env = { ...process.env, HTTPS_PROXY: proxy.url, HTTP_PROXY: proxy.url, ALL_PROXY: proxy.url, NO_PROXY: '' };
    const { stdout } = await run(process.execPath, [child('send-once.mjs'), 'aliyun', endpoint], { env, timeout: 60_000 });
    return JSON.parse(stdout);
  };

  it('an https endpoint goes through the operator\'s proxy (HTTPS_PROXY): one tunnel to the endpoint\'s host', async () => {
    // The name does not resolve here: only the proxy could have reached it.
    const result = await sendInChild('https://sms.provider.invalid/');
    assert.deepEqual(proxy.tunnels, ['sms.provider.invalid:443']);
    // The tunnel ends at a server whose certificate is not trusted: TLS is
    // still verified end to end through the proxy.
    assert.equal(result.code, 'general');
    assert.match(result.description, /certificate/i);
  });

  it('a loopback http endpoint never goes through a proxy, whatever the environment says', async () => {
    proxy.tunnels.length = 0;
    simulator.reset();
    const result = await sendInChild(simulator.endpoint);
    assert.equal(result.code, undefined, result.description);
    assert.equal(simulator.requests.length, 1);
    assert.deepEqual(proxy.tunnels, []);
    assert.deepEqual(proxy.plainRequests, []);
  });
});
