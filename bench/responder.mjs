// The loopback responder every timed run talks to, in its own process so that
// its CPU never counts against the implementation being measured. It answers
// every POST with one fixed, canned success, keeps connections alive, and
// routes by the presence of an `x-tc-action` header (Tencent) or not (Aliyun).
// It verifies nothing: it must cost the same for every client.
//
// It also keeps the last request it received on each route (a reference, no
// copy) and serves it at GET /__last/<route>: the benchmark captures one real
// request of ours that way, to replay its exact bytes through rawPost.
import http from 'node:http';

const ANSWERS = {
  aliyun: Buffer.from(
    JSON.stringify({ RequestId: 'A1B2C3D4-0000-4000-8000-000000000000', Code: 'OK', Message: 'OK', BizId: '1^0' })
  ),
  tencent: Buffer.from(
    JSON.stringify({
      Response: {
        SendStatusSet: [
          {
            SerialNo: '1',
            PhoneNumber: '+8613812345678',
            Fee: 1,
            SessionContext: '',
            Code: 'Ok',
            Message: 'send success',
            IsoCode: 'CN',
          },
        ],
        RequestId: 'r',
      },
    })
  ),
};

const last = { aliyun: null, tencent: null };

const server = http.createServer((req, res) => {
  if (req.method === 'GET' && req.url.startsWith('/__last/')) {
    const seen = last[req.url.slice('/__last/'.length)];
    res.writeHead(seen ? 200 : 404, { 'content-type': 'application/json' });
    res.end(seen ? JSON.stringify({ rawHeaders: seen.rawHeaders, body: Buffer.concat(seen.chunks).toString('base64') }) : '{}');
    return;
  }
  const chunks = [];
  req.on('data', (chunk) => chunks.push(chunk));
  // Answer once the whole body is in, as a real server would.
  req.on('end', () => {
    const route = req.headers['x-tc-action'] === undefined ? 'aliyun' : 'tencent';
    last[route] = { rawHeaders: req.rawHeaders, chunks };
    const body = ANSWERS[route];
    res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': body.length });
    res.end(body);
  });
});

// Longer than any pause between a warm-up and its burst, so no run reconnects midway.
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  console.log(JSON.stringify({ port: server.address().port }));
});
process.on('SIGTERM', () => process.exit(0));
