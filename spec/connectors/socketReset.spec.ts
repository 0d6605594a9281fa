import { once } from 'events';
import net from 'net';
import { SocketTextSource } from '../../lib/connectors/source/SocketTextSource';
import { ReaderDriver, waitFor } from '../harness/ReaderDriver';

/** A TCP server that sends `payload` to its one client and hands the socket to the test. */
async function serveOnce(payload: string): Promise<{ port: number; client: Promise<net.Socket>; close: () => Promise<void> }> {
  let accepted!: (s: net.Socket) => void;
  const client = new Promise<net.Socket>((resolve) => (accepted = resolve));
  const server = net.createServer((socket) => {
    socket.write(payload);
    accepted(socket);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    port: (server.address() as net.AddressInfo).port,
    client,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

describe('socketTextStream on a reset connection', () => {
  it.each([0, 3])('fails the source (maxRetry %p) and does not emit the cut-off last line', async (maxRetry) => {
    const server = await serveOnce('one\ntwo\nthr');
    const driver = new ReaderDriver(new SocketTextSource('127.0.0.1', server.port, '\n', maxRetry)).start();
    await driver.pollUntilEmitted(2);
    const socket = await server.client;
    // The partial "thr" has reached the reader before the reset: it must not become a record.
    socket.resetAndDestroy();
    const outcome = await driver.pollUntilEndOrFailure();
    expect(outcome).toBeInstanceOf(Error);
    expect((outcome as Error).message).toBe(`socket source lost its connection to 127.0.0.1:${server.port} (ECONNRESET)`);
    expect(driver.emitted).toEqual(['one', 'two']);
    expect(driver.clock.pendingTimers()).toBe(0); // no reconnection: a reset is a failure, not an end
    driver.close();
    await server.close();
  });

  it('still ends cleanly, with the last line, when the server closes the connection', async () => {
    const server = await serveOnce('one\ntwo');
    const driver = new ReaderDriver(new SocketTextSource('127.0.0.1', server.port)).start();
    (await server.client).end();
    expect(await driver.pollUntilEndOrFailure()).toBe('END_OF_INPUT');
    await waitFor('every line', () => driver.emitted.length === 2);
    expect(driver.emitted).toEqual(['one', 'two']);
    driver.close();
    await server.close();
  });
});
