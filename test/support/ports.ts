import net from 'node:net';

// The ports `make up` uses by default: tests never take them, so they run beside a local stack.
const LOCAL_STACK_PORTS = new Set([4222, 8222, 54320, 5000, 8080, 8081, 8082, 8083, 8084, 8085]);

function listenOnEphemeralPort(): Promise<net.Server> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen({ port: 0, host: '127.0.0.1', exclusive: true }, () => resolve(server));
  });
}

/**
 * `count` distinct ports that are free right now, chosen by the OS. All are held open until all
 * are chosen, so the OS cannot hand out the same one twice.
 */
export async function freePorts(count: number): Promise<number[]> {
  const held: net.Server[] = [];
  const ports: number[] = [];
  try {
    while (ports.length < count) {
      const server = await listenOnEphemeralPort();
      held.push(server);
      const { port } = server.address() as net.AddressInfo;
      if (!LOCAL_STACK_PORTS.has(port)) ports.push(port);
    }
  } finally {
    await Promise.all(held.map((server) => new Promise((done) => server.close(done))));
  }
  return ports;
}

/** A port that is free right now (another process may still take it before you bind it). */
export async function freePort(): Promise<number> {
  const [port] = await freePorts(1);
  return port;
}
