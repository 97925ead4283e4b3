// Loopback ports for tests that need a connection to fail.
import net from 'node:net';

/** A loopback port with nothing listening: connecting to it is refused. */
export const closedPort = async () => {
  const server = net.createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
};
