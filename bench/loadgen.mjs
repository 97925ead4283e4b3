// Raw load generator for the responder's own saturation rate. It must cost far
// less per request than the responder, or it measures itself: so it writes one
// prebuilt HTTP/1.1 request (a captured request of ours) on plain keep-alive TCP
// sockets, one request in flight per socket as real clients do, and parses only
// enough of each answer (status line, Content-Length) to find where it ends.
// Several of these run at once; answers are counted inside a common window
// [startAt, startAt + durationMs] (sending starts on spawn, so the window is warm).
//
// Input (env BENCH_INPUT): { port, request: { headers, body }, concurrency, startAt, durationMs }
import net from 'node:net';

const { port, request, concurrency, startAt, durationMs } = JSON.parse(process.env.BENCH_INPUT);
const endAt = startAt + durationMs;
const body = Buffer.from(request.body, 'base64');
const head =
  `POST / HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: keep-alive\r\n` +
  request.headers.map(([name, value]) => `${name}: ${value}\r\n`).join('') +
  `Content-Length: ${body.length}\r\n\r\n`;
const wire = Buffer.concat([Buffer.from(head, 'latin1'), body]);
const HEADER_END = Buffer.from('\r\n\r\n');

let counted = 0;
let errors = 0;

/** One keep-alive connection sending back to back until the window closes. */
const connection = () =>
  new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port, noDelay: true });
    let buffered = Buffer.alloc(0);
    socket.on('connect', () => socket.write(wire));
    socket.on('data', (chunk) => {
      buffered = buffered.length === 0 ? chunk : Buffer.concat([buffered, chunk]);
      for (;;) {
        const end = buffered.indexOf(HEADER_END);
        if (end < 0) return;
        const headText = buffered.toString('latin1', 0, end);
        const length = Number(/\r\ncontent-length: *(\d+)/i.exec(headText)?.[1] ?? 0);
        if (buffered.length < end + 4 + length) return;
        buffered = buffered.subarray(end + 4 + length);
        const now = Date.now();
        if (!headText.startsWith('HTTP/1.1 200')) errors += 1;
        else if (now >= startAt && now <= endAt) counted += 1;
        if (now > endAt) {
          socket.end();
          return;
        }
        socket.write(wire);
      }
    });
    socket.on('error', () => {
      errors += 1;
      resolve();
    });
    socket.on('close', resolve);
  });

await Promise.all(Array.from({ length: concurrency }, connection));
console.log(JSON.stringify({ counted, errors, perSec: (counted / durationMs) * 1000 }));
