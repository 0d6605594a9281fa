import http from 'http';
import { nodeRuntimeMetrics } from './NodeRuntimeMetrics';
import { AddressInfo } from 'net';
import createDebug from 'debug';
import { isGloballyTerminal } from '../api/JobStatus';
import { ClusterGateway } from '../cluster/JobCluster';
import { JobSnapshot } from '../controlplane/ClusterQueries';
import { DashboardAssets } from './DashboardAssets';
import { checkpointsBody, JobViews, jobIdsBody, jobsOverviewBody, overviewBody, taskManagerDetailsBody, taskManagersBody } from './JobViews';
import { jobExceptionsBody } from './JobExceptions';
import { brookVersion } from './packageRoot';
import { exportCluster, exportJob, PrometheusExposition } from './PrometheusExporter';
import { ConfigBody, ErrorBody, TriggerBody } from './RestTypes';
import { HttpMethod, RouteParams, Router } from './Router';
import { SavepointTriggers } from './SavepointTriggers';
import { assertNever } from '../util/assertNever';

const log = createDebug('brook:rest');

export interface RestServerOptions {
  /** Default 127.0.0.1: only this machine can connect. */
  readonly host?: string;
  /** Default 8081, Flink's web port; 0 picks a free one. */
  readonly port?: number;
  /** Allow PATCH /jobs/:id?mode=cancel (Flink's web.cancel.enable). Default off: read-only. */
  readonly enableCancel?: boolean;
  /** Allow POST /jobs/:id/savepoints and POST /jobs/:id/stop (stop with a savepoint). Default off. */
  readonly enableSavepoint?: boolean;
  /** How often the dashboard refreshes, in ms (default 1000). */
  readonly refreshIntervalMs?: number;
  /** Per-second rates average over this span of samples (default 5000 ms on the cluster clock). */
  readonly rateWindowMs?: number;
  /**
   * Requests served at once (default 64). Beyond it a request is answered 503 with Retry-After
   * at once instead of queueing: each one asks the JobManager for metrics, so an unbounded burst
   * would cost memory and make every answer late.
   */
  readonly maxInFlightRequests?: number;
  /** The largest request body read, in bytes (default 64 KiB; savepoint options are a few fields). */
  readonly maxRequestBodyBytes?: number;
}

export const DEFAULT_WEB_PORT = 8081;

/** Ids the JobManager hands out: 32 lower-case hex digits. */
const JOB_ID = /^[0-9a-f]{32}$/;
const VERTEX_ID = /^[1-9][0-9]{0,8}$/;
const TRIGGER_ID = /^[0-9a-f]{32}$/;
export const DEFAULT_MAX_IN_FLIGHT_REQUESTS = 64;
export const DEFAULT_MAX_REQUEST_BODY_BYTES = 64 * 1024;
/** Seconds a client is asked to wait after a 503 for too many requests in flight. */
const RETRY_AFTER_SECONDS = 1;
/** An answer sent before the request's body was read: the connection is closed, not drained. */
const CLOSE = { Connection: 'close' } as const;
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
  }
}

interface Reply {
  readonly status?: number;
  readonly body: unknown;
  /** Prometheus text instead of JSON. */
  readonly text?: true;
}

type Handler = (params: RouteParams, url: URL, body: unknown) => Promise<Reply>;

/** A route's handler, with what must hold before the request's body is read. */
interface Endpoint {
  /** Throws (403) when the action is disabled; runs before any of the body is read. */
  readonly permit?: () => void;
  /** The handler takes a JSON body (read up to maxRequestBodyBytes). */
  readonly readsBody?: true;
  readonly run: Handler;
}

/**
 * brook's REST API and web dashboard, served from the JobManager's process with node's http
 * module (Flink's WebMonitorEndpoint). Read-only unless cancel or savepoint actions are
 * enabled; binds to 127.0.0.1 by default and then answers only requests addressed to a
 * loopback name (a page on another site cannot reach it through DNS rebinding). Every error
 * is JSON: `{"errors": [...]}`.
 */
export class RestServer {
  private readonly server: http.Server;
  private readonly router = new Router<Endpoint>();
  private readonly views: JobViews;
  private readonly assets: DashboardAssets;
  private readonly version = brookVersion();
  private readonly savepoints = new SavepointTriggers();
  private address: AddressInfo | undefined;
  private inFlight = 0;
  private jobRequests = 0;
  private readonly endsSeen = new Set<string>();
  private readonly endWaiters = new Map<string, Array<() => void>>();
  private readonly maxInFlight: number;
  private readonly maxBodyBytes: number;

  constructor(
    private readonly gateway: ClusterGateway,
    private readonly options: RestServerOptions = {},
  ) {
    this.maxInFlight = positiveInteger('maxInFlightRequests', options.maxInFlightRequests ?? DEFAULT_MAX_IN_FLIGHT_REQUESTS);
    this.maxBodyBytes = positiveInteger('maxRequestBodyBytes', options.maxRequestBodyBytes ?? DEFAULT_MAX_REQUEST_BODY_BYTES);
    this.views = new JobViews(options.rateWindowMs);
    this.assets = new DashboardAssets();
    this.server = http.createServer((req, res) => void this.handle(req, res));
    this.routes();
  }

  /** Starts listening; resolves with the dashboard's URL. */
  async start(): Promise<string> {
    const host = this.options.host ?? '127.0.0.1';
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.options.port ?? DEFAULT_WEB_PORT, host, () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    this.address = this.server.address() as AddressInfo;
    log('REST API and dashboard on %s', this.url);
    return this.url;
  }

  get url(): string {
    if (!this.address) throw new Error('the REST server is not listening');
    const host = this.address.family === 'IPv6' ? `[${this.address.address}]` : this.address.address;
    return `http://${host}:${this.address.port}/`;
  }

  /**
   * Resolves once a client (a dashboard page) has read the ended state of `jobId`, so the
   * process can stop serving without leaving an open page with a job that seems to run.
   */
  whenEndSeen(jobId: string): Promise<void> {
    if (this.endsSeen.has(jobId)) return Promise.resolve();
    return new Promise((resolve) => {
      const waiting = this.endWaiters.get(jobId) ?? [];
      waiting.push(resolve);
      this.endWaiters.set(jobId, waiting);
    });
  }

  /** Whether any client has asked about jobs yet (an open dashboard page, a script). */
  get hasClients(): boolean {
    return this.jobRequests > 0;
  }

  private endSeen(jobId: string): void {
    this.endsSeen.add(jobId);
    for (const resolve of this.endWaiters.get(jobId) ?? []) resolve();
    this.endWaiters.delete(jobId);
  }

  /** Resolves once every savepoint operation's outcome was read by a client (see SavepointTriggers). */
  whenSavepointsRead(): Promise<void> {
    return this.savepoints.whenAllRead();
  }

  close(): Promise<void> {
    if (!this.address) return Promise.resolve();
    this.address = undefined;
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private routes(): void {
    const router = this.router;
    const r = { add: (method: HttpMethod, pattern: string, run: Handler): void => void router.add(method, pattern, { run }) };
    r.add('GET', '/config', async () => ({ body: this.config() }));
    r.add('GET', '/overview', async () => ({ body: overviewBody(await this.gateway.requestClusterOverview(), this.version) }));
    r.add('GET', '/taskmanagers', async () => ({ body: taskManagersBody(await this.gateway.requestClusterOverview()) }));
    r.add('GET', '/taskmanagers/:taskManagerId', async (p) => {
      const body = taskManagerDetailsBody(await this.gateway.requestClusterOverview(), p.taskManagerId);
      if (!body) throw new HttpError(404, `no TaskManager '${p.taskManagerId}' offers slots (ids are taskmanager-N, see /taskmanagers)`);
      return { body };
    });
    r.add('GET', '/jobs/overview', async () => ({ body: jobsOverviewBody(await this.gateway.requestClusterOverview()) }));
    r.add('GET', '/jobs', async () => ({ body: jobIdsBody(await this.gateway.requestClusterOverview()) }));
    r.add('GET', '/jobs/:jobId', async (p) => {
      const job = await this.job(p);
      const body = this.views.jobDetails(job, this.views.rates(job));
      if (isGloballyTerminal(job.overview.status)) this.endSeen(job.overview.jobId);
      return { body };
    });
    r.add('GET', '/jobs/:jobId/plan', async (p) => ({ body: { plan: (await this.job(p)).plan } }));
    r.add('GET', '/jobs/:jobId/vertices/:vertexId', async (p) => {
      const job = await this.job(p);
      const vertex = VERTEX_ID.test(p.vertexId) ? job.vertices.find((v) => v.id === Number(p.vertexId)) : undefined;
      if (!vertex) throw new HttpError(404, `job ${job.overview.jobId} has no task with id '${p.vertexId}' (ids are 1..${job.vertices.length})`);
      return { body: this.views.vertexDetails(job, vertex, this.views.rates(job)) };
    });
    r.add('GET', '/jobs/:jobId/checkpoints', async (p) => {
      const job = await this.job(p);
      if (!job.checkpoints) throw new HttpError(404, `checkpointing is not enabled for job ${job.overview.jobId}`);
      return { body: checkpointsBody(job.checkpoints) };
    });
    r.add('GET', '/jobs/:jobId/exceptions', async (p) => ({ body: jobExceptionsBody(await this.job(p)) }));
    const cancelEnabled = (): void => {
      if (!this.options.enableCancel)
        throw new HttpError(403, 'cancelling jobs from the web is disabled: start the server with cancel enabled (brook run --allow-cancel)', CLOSE);
    };
    const savepointEnabled = (): void => {
      if (!this.options.enableSavepoint)
        throw new HttpError(403, 'savepoints from the web are disabled: start the server with savepoints enabled (brook run --allow-savepoint)', CLOSE);
    };
    router.add('PATCH', '/jobs/:jobId', { permit: cancelEnabled, run: async (p, url) => this.cancel(p, url) });
    router.add('POST', '/jobs/:jobId/savepoints', {
      permit: savepointEnabled,
      readsBody: true,
      run: async (p, _url, body) => this.savepoint(p, body, 'SAVEPOINT'),
    });
    router.add('POST', '/jobs/:jobId/stop', {
      permit: savepointEnabled,
      readsBody: true,
      run: async (p, _url, body) => this.savepoint(p, body, 'SAVEPOINT_SUSPEND'),
    });
    r.add('GET', '/jobs/:jobId/savepoints/:triggerId', async (p) => {
      const job = await this.job(p);
      const status = TRIGGER_ID.test(p.triggerId) ? this.savepoints.status(job.overview.jobId, p.triggerId) : undefined;
      if (!status) throw new HttpError(404, `no savepoint operation '${p.triggerId}' for job ${job.overview.jobId}`);
      return { body: status };
    });
    r.add('GET', '/metrics', async () => ({ body: await this.prometheus(), text: true }));
  }

  private config(): ConfigBody {
    return {
      'refresh-interval': this.options.refreshIntervalMs ?? 1000,
      'brook-version': this.version,
      features: { 'web-cancel': this.options.enableCancel ?? false, 'web-savepoint': this.options.enableSavepoint ?? false },
    };
  }

  private async job(p: RouteParams): Promise<JobSnapshot> {
    if (!JOB_ID.test(p.jobId)) throw new HttpError(404, `'${p.jobId}' is not a job id (32 hex digits)`);
    const job = await this.gateway.requestJob(p.jobId);
    if (!job) throw new HttpError(404, `no job with id ${p.jobId}`);
    return job;
  }

  /** Flink's PATCH /jobs/:jobid?mode=cancel: 202 once the cancellation is under way. */
  private async cancel(p: RouteParams, url: URL): Promise<Reply> {
    const mode = url.searchParams.get('mode') ?? 'cancel';
    if (mode !== 'cancel') throw new HttpError(400, `unknown mode '${mode}': only mode=cancel is supported`);
    const job = await this.job(p);
    if (isGloballyTerminal(job.overview.status)) throw new HttpError(409, `job ${job.overview.jobId} already ended (${job.overview.status})`);
    this.gateway.cancelJob(job.overview.jobId);
    log('cancel requested for job %s', job.overview.jobId);
    return { status: 202, body: {} };
  }

  /**
   * Flink's POST /jobs/:id/savepoints ({"target-directory"}) and POST /jobs/:id/stop
   * ({"targetDirectory"}, stop-with-savepoint): 202 with the operation's id; its status is at
   * GET /jobs/:id/savepoints/:triggerId.
   */
  private async savepoint(p: RouteParams, body: unknown, kind: 'SAVEPOINT' | 'SAVEPOINT_SUSPEND'): Promise<Reply> {
    const options = (body ?? {}) as Record<string, unknown>;
    if (typeof options !== 'object' || Array.isArray(options)) throw new HttpError(400, 'the request body must be a JSON object');
    const field = kind === 'SAVEPOINT' ? 'target-directory' : 'targetDirectory';
    const directory = options[field];
    if (directory !== undefined && directory !== null && typeof directory !== 'string') throw new HttpError(400, `${field} must be a string`);
    if (kind === 'SAVEPOINT' && options['cancel-job'] === true) {
      throw new HttpError(400, 'cancel-job is not supported: stop the job with a savepoint with POST /jobs/:id/stop');
    }
    const job = await this.job(p);
    const id = this.savepoints.start(job.overview.jobId, this.gateway.triggerSavepoint(job.overview.jobId, kind, directory ?? undefined));
    log('%s requested for job %s (operation %s)', kind, job.overview.jobId, id);
    const answer: TriggerBody = { 'request-id': id };
    return { status: 202, body: answer };
  }

  private async prometheus(): Promise<string> {
    const cluster = await this.gateway.requestClusterOverview();
    const out = new PrometheusExposition();
    exportCluster(out, cluster);
    const running = cluster.jobs.filter((j) => !isGloballyTerminal(j.status));
    const jobs = await Promise.all(running.map((j) => this.gateway.requestJob(j.jobId)));
    for (const job of jobs) if (job) exportJob(out, job, this.views.rates(job));
    return `${out.render()}${await nodeRuntimeMetrics()}`;
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const method = req.method ?? 'GET';
    if (this.inFlight >= this.maxInFlight) {
      const busy: ErrorBody = {
        errors: [`the server is busy: ${this.maxInFlight} requests in flight (maxInFlightRequests); retry in ${RETRY_AFTER_SECONDS} s`],
      };
      this.send(res, method, 503, busy, { 'Retry-After': String(RETRY_AFTER_SECONDS), ...CLOSE });
      return;
    }
    this.inFlight++;
    res.once('close', () => this.inFlight--);
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://localhost');
    } catch {
      this.send(res, method, 400, { errors: ['malformed request URL'] });
      return;
    }
    try {
      this.checkHost(req);
      const match = this.router.match(method, url.pathname);
      if (url.pathname.startsWith('/jobs')) this.jobRequests++;
      switch (match.kind) {
        case 'found': {
          const endpoint = match.handler;
          endpoint.permit?.();
          const body = endpoint.readsBody ? await readJsonBody(req, this.maxBodyBytes) : undefined;
          const reply = await endpoint.run(match.params, url, body);
          if (reply.text) this.sendText(res, method, reply.status ?? 200, reply.body as string);
          else this.send(res, method, reply.status ?? 200, reply.body);
          return;
        }
        case 'methodNotAllowed':
          throw new HttpError(405, `${method} is not allowed on ${url.pathname}`, { Allow: match.allowed.join(', ') });
        case 'notFound':
          this.sendAsset(res, method, url);
          return;
        default:
          assertNever(match, 'route match');
      }
    } catch (e) {
      const error = e instanceof HttpError ? e : new HttpError(503, `the JobManager did not answer: ${(e as Error).message}`);
      if (!(e instanceof HttpError)) log('%s %s failed: %s', method, url.pathname, (e as Error).stack);
      const body: ErrorBody = { errors: [error.message] };
      this.send(res, method, error.status, body, error.headers);
    }
  }

  /** A dashboard asset, for a GET or HEAD no REST route matched. */
  private sendAsset(res: http.ServerResponse, method: string, url: URL): void {
    const asset = method === 'GET' || method === 'HEAD' ? this.assets.get(url.pathname) : undefined;
    if (!asset) throw new HttpError(404, `not found: ${url.pathname}`);
    res.writeHead(200, {
      'Content-Type': asset.contentType,
      'Content-Length': asset.body.length,
      'Cache-Control': 'no-cache',
      'X-Content-Type-Options': 'nosniff',
      'Content-Security-Policy': "default-src 'self'; img-src 'self' data:; object-src 'none'; frame-ancestors 'none'",
    });
    res.end(method === 'HEAD' ? undefined : asset.body);
  }

  /** Bound to loopback, only loopback names are accepted in Host (DNS rebinding protection). */
  private checkHost(req: http.IncomingMessage): void {
    const bound = this.options.host ?? '127.0.0.1';
    if (!LOOPBACK.has(bound)) return;
    const host = (req.headers.host ?? '').replace(/:\d+$/, '');
    if (!LOOPBACK.has(host)) throw new HttpError(403, `requests must be addressed to 127.0.0.1 or localhost, not '${host}'`);
  }

  private send(res: http.ServerResponse, method: string, status: number, body: unknown, headers: Readonly<Record<string, string>> = {}): void {
    const text = JSON.stringify(body);
    res.writeHead(status, {
      'Content-Type': 'application/json; charset=utf-8',
      'Content-Length': Buffer.byteLength(text),
      'Cache-Control': 'no-store',
      ...headers,
    });
    res.end(method === 'HEAD' ? undefined : text);
  }

  private sendText(res: http.ServerResponse, method: string, status: number, text: string): void {
    res.writeHead(status, {
      'Content-Type': 'text/plain; version=0.0.4; charset=utf-8',
      'Content-Length': Buffer.byteLength(text),
      'Cache-Control': 'no-store',
    });
    res.end(method === 'HEAD' ? undefined : text);
  }
}

/**
 * The request's JSON body (undefined when empty); 400 when not JSON. 413 beyond `limit` bytes:
 * at once when Content-Length says so, else as soon as that much arrived; the rest is not read.
 */
async function readJsonBody(req: http.IncomingMessage, limit: number): Promise<unknown> {
  const tooLarge = (): HttpError => new HttpError(413, `request body over ${limit} bytes (maxRequestBodyBytes)`, CLOSE);
  const declared = Number(req.headers['content-length']);
  if (declared > limit) throw tooLarge();
  const bytes = await new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size <= limit) {
        chunks.push(chunk);
        return;
      }
      // Stop reading, but leave the request open: the 413 still has to be written to its socket.
      req.off('data', onData);
      req.pause();
      reject(tooLarge());
    };
    req.on('data', onData);
    req.once('end', () => resolve(Buffer.concat(chunks)));
    req.once('error', reject);
  });
  const text = bytes.toString('utf8').trim();
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new HttpError(400, 'the request body is not JSON');
  }
}

function positiveInteger(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 1) throw new RangeError(`RestServer option ${name} must be a positive integer, got ${value}`);
  return value;
}
