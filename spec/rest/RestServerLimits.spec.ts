import http from 'http';
import { ClusterGateway } from '../../lib/cluster/JobCluster';
import { ClusterOverview, JobSnapshot } from '../../lib/controlplane/ClusterQueries';
import { RestServer, RestServerOptions } from '../../lib/rest/RestServer';
import { ErrorBody } from '../../lib/rest/RestTypes';
import { request } from '../harness/httpGet';

const JOB_ID = '0123456789abcdef0123456789abcdef';

/** A JobManager that answers job look-ups only when the test releases them, counting them. */
class HeldGateway implements ClusterGateway {
  readonly pending: Array<() => void> = [];
  private waiters: Array<() => void> = [];
  cancelled = 0;
  savepoints = 0;

  requestClusterOverview(): Promise<ClusterOverview> {
    return Promise.reject(new Error('not used by these tests'));
  }

  requestJob(): Promise<JobSnapshot | undefined> {
    return new Promise((resolve) => {
      this.pending.push(() => resolve(undefined));
      for (const w of this.waiters.splice(0)) w();
    });
  }

  cancelJob(): void {
    this.cancelled++;
  }

  triggerSavepoint(): never {
    this.savepoints++;
    throw new Error('not used by these tests');
  }

  /** Resolves once `n` job look-ups are held. */
  async held(n: number): Promise<void> {
    while (this.pending.length < n) await new Promise<void>((resolve) => this.waiters.push(resolve));
  }

  releaseAll(): void {
    for (const release of this.pending.splice(0)) release();
  }
}

interface Started {
  readonly answer: Promise<{ status: number; headers: http.IncomingHttpHeaders; text: string }>;
  /** Body bytes the client had written when the answer's headers arrived. */
  readonly sentWhenAnswered: Promise<number>;
  readonly socketClosed: Promise<void>;
}

/**
 * Starts a request declaring a `declared`-byte body (or a chunked one of unknown length) and
 * sends only its first `first` bytes: an answer can only come from a server that did not wait
 * for the rest of the body.
 */
function partialBodyRequest(base: string, method: string, path: string, declared: number | 'chunked', first: number): Started {
  const url = new URL(base);
  let sent = 0;
  let markAnswered!: (n: number) => void;
  const sentWhenAnswered = new Promise<number>((resolve) => (markAnswered = resolve));
  let socketClosedResolve!: () => void;
  const socketClosed = new Promise<void>((resolve) => (socketClosedResolve = resolve));
  const answer = new Promise<{ status: number; headers: http.IncomingHttpHeaders; text: string }>((resolve, reject) => {
    const req = http.request(
      {
        host: url.hostname,
        port: url.port,
        path,
        method,
        headers: { 'Content-Type': 'application/json', ...(declared === 'chunked' ? { 'Transfer-Encoding': 'chunked' } : { 'Content-Length': declared }) },
      },
      (res) => {
        markAnswered(sent);
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text }));
      },
    );
    req.on('socket', (socket) => socket.once('close', socketClosedResolve));
    req.on('error', (e: NodeJS.ErrnoException) => {
      // The server closing the connection under the unsent rest of the body is expected here.
      if (e.code !== 'ECONNRESET' && e.code !== 'EPIPE') reject(e);
    });
    req.write(Buffer.alloc(first, 0x20));
    sent += first;
  });
  return { answer, sentWhenAnswered, socketClosed };
}

describe('REST server limits (real server on 127.0.0.1)', () => {
  let gateway: HeldGateway;
  let server: RestServer;
  let url: string;

  async function start(options: RestServerOptions): Promise<void> {
    gateway = new HeldGateway();
    server = new RestServer(gateway, { port: 0, ...options });
    url = await server.start();
  }

  afterEach(async () => {
    gateway.releaseAll();
    await server.close();
  });

  it('answers 403 to a disabled action before reading its body, and closes the connection', async () => {
    await start({});
    const declared = 50 * 1024 * 1024;
    const savepoint = partialBodyRequest(url, 'POST', `/jobs/${JOB_ID}/savepoints`, declared, 1024);
    const answer = await savepoint.answer;
    expect(answer.status).toBe(403);
    expect(JSON.parse(answer.text)).toEqual({
      errors: ['savepoints from the web are disabled: start the server with savepoints enabled (brook run --allow-savepoint)'],
    });
    expect(answer.headers.connection).toBe('close');
    expect(await savepoint.sentWhenAnswered).toBe(1024);
    await savepoint.socketClosed;

    const cancel = partialBodyRequest(url, 'PATCH', `/jobs/${JOB_ID}?mode=cancel`, declared, 1024);
    expect((await cancel.answer).status).toBe(403);
    expect(await cancel.sentWhenAnswered).toBe(1024);
    expect(gateway.cancelled + gateway.savepoints).toBe(0);
    expect(gateway.pending).toHaveLength(0);
  });

  it('answers 413 at once when the declared body is over the limit, and when the sent one grows over it', async () => {
    await start({ enableSavepoint: true, maxRequestBodyBytes: 100 });
    const declared = partialBodyRequest(url, 'POST', `/jobs/${JOB_ID}/savepoints`, 101, 10);
    const answer = await declared.answer;
    expect(answer.status).toBe(413);
    expect(JSON.parse(answer.text)).toEqual({ errors: ['request body over 100 bytes (maxRequestBodyBytes)'] });
    expect(await declared.sentWhenAnswered).toBe(10);

    const chunked = partialBodyRequest(url, 'POST', `/jobs/${JOB_ID}/stop`, 'chunked', 101);
    expect((await chunked.answer).status).toBe(413);
    expect(await chunked.sentWhenAnswered).toBe(101);
    expect(gateway.savepoints).toBe(0);
    expect(gateway.pending).toHaveLength(0);
  });

  it('serves at most maxInFlightRequests at once: one more is answered 503 with Retry-After, not queued', async () => {
    await start({ maxInFlightRequests: 3 });
    const held = [1, 2, 3].map(() => request(url, `/jobs/${JOB_ID}`));
    await gateway.held(3);
    // The fourth either gets its answer or reaches the JobManager: count which happened first.
    const fourth = request(url, `/jobs/${JOB_ID}`);
    const first = await Promise.race([fourth.then(() => 'answered' as const), gateway.held(4).then(() => 'reached the JobManager' as const)]);
    expect(first).toBe('answered');
    const busy = await fourth;
    expect(busy.status).toBe(503);
    expect(busy.headers['retry-after']).toBe('1');
    expect(JSON.parse(busy.text) as ErrorBody).toEqual({ errors: ['the server is busy: 3 requests in flight (maxInFlightRequests); retry in 1 s'] });
    expect(gateway.pending).toHaveLength(3);

    gateway.releaseAll();
    expect((await Promise.all(held)).map((a) => a.status)).toEqual([404, 404, 404]);
    // Finished requests free their places.
    const again = request(url, `/jobs/${JOB_ID}`);
    await gateway.held(1);
    gateway.releaseAll();
    expect((await again).status).toBe(404);
  });

  it('rejects a bound that is not a positive integer', () => {
    gateway = new HeldGateway();
    expect(() => new RestServer(gateway, { maxInFlightRequests: 0 })).toThrow('RestServer option maxInFlightRequests must be a positive integer, got 0');
    server = new RestServer(gateway, {});
  });
});
