import createDebug from 'debug';
import net from 'net';
import { JobClient } from '../../lib/api/JobClient';
import { StreamExecutionEnvironment } from '../../lib/api/StreamExecutionEnvironment';
import { defineFromJobFile, loadJobFile, runCleanups } from '../../lib/cli/JobFile';
import { JobCluster } from '../../lib/cluster/JobCluster';
import { FromClient, ToClient } from '../../lib/cluster/net/ClientProtocol';
import { FramedConnection } from '../../lib/cluster/net/FramedConnection';
import { DEFAULT_HEARTBEAT } from '../../lib/cluster/net/HeartbeatMonitor';
import { JobManagerProcessOptions, RunningJobManager } from '../../lib/cluster/ProcessRoles';
import { connectHighAvailability } from '../../lib/cluster/connectHighAvailability';
import { jobsToRecover, recordJobEnd } from '../../lib/cluster/JobRecovery';
import { whenCheckpointDirectoryFree } from '../../lib/cluster/whenCheckpointDirectoryFree';
import { HighAvailabilityServices, JOB_MANAGER } from '../../lib/ha/HighAvailabilityServices';
import { Fence } from '../../lib/ha/FencingToken';
import { JobResult } from '../../lib/ha/JobResultStore';
import { LeaderElection, Leadership } from '../../lib/ha/LeaderElection';
import { Unwatch } from '../../lib/ha/CoordinationStore';
import { TaskManagerInfo } from '../../lib/ha/TaskManagerRegistry';
import { forwardsResults } from '../../lib/connectors/sink/ForwardableSink';
import { JobSettings } from '../../lib/controlplane/JobSubmission';
import { JobGraph } from '../../lib/graph/JobGraph';
import { jobGraphFingerprint } from '../../lib/graph/jobGraphFingerprint';
import { RestServer } from '../../lib/rest/RestServer';
import { TaskConfig } from '../../lib/runtime/TaskConfig';
import { Clock } from '../../lib/time/Clock';
import { systemClock } from '../../lib/time/SystemClock';
import { JobManagerGateway } from '../JobManagerGateway';
import { DEFAULT_SLOT_REQUEST_TIMEOUT_MS, spawnJobManagerActor } from '../JobManagerActor';
import { JobManagerMessage } from '../messages';
import { ActorSystem, TypedRef } from '../nact';
import { newJobId, submitJob } from '../submitJob';
import { SubtaskAddress } from '../threads/protocol';
import { JobFollower, JobRequest, recoveredJobFollower } from './JobFollower';
import { FromTaskManager, PeerAddress, ProcessJob, ToJobManagerPort, ToTaskManager } from './protocol';
import { RemoteTaskManager } from './RemoteTaskManager';

const log = createDebug('brook:jobmanager-process');

/** A job submitted by a client (or recovered by a new leader), while it runs. */
interface ActiveJob {
  readonly job: ProcessJob;
  readonly graph: JobGraph;
  readonly output: (stream: 'stdout' | 'stderr', text: string) => void;
  /** With HA: the id the JobGraphStore knows it by, and the leadership that runs it (set once submitted). */
  ha: { readonly jobId: string; readonly fence: Fence } | undefined;
}

/** How often a recovered job looks for free slots. */
const SLOT_POLL_MS = 100;

type PortConnection = FramedConnection<ToJobManagerPort, ToTaskManager | ToClient>;

/** Flink's high-availability.kubernetes.leader-election.lease-duration is 15 s; etcd leases count in seconds. */
const DEFAULT_LEASE_TTL_SECONDS = 10;

/** Actor systems need distinct names: tests run several TaskManagers in one process. */
let systems = 0;
/**
 * A JobManager in its own OS process: TaskManager processes register their slots on its port
 * and heartbeat; clients submit job files on the same port. Each job runs through the
 * JobManager actor and its JobMaster as on one machine; TaskManagers are RemoteTaskManagers, so
 * a lost one fails over the jobs it ran (onto the slots that remain, or those of a TaskManager
 * that registers in time). Before a job is submitted, every TaskManager defines it from the job
 * file on its host and must find the JobManager's fingerprint.
 */
export class JobManagerProcess implements JobCluster, RunningJobManager {
  readonly gateway: JobManagerGateway;
  private readonly system: ActorSystem;
  private readonly jobManager: TypedRef<JobManagerMessage>;
  private readonly clock: Clock;
  private readonly taskManagers = new Map<number, RemoteTaskManager>();
  private readonly addresses = new Map<object, SubtaskAddress>();
  private readonly active = new Map<string, ActiveJob>();
  private readonly jobKeys = new Map<string, string>();
  /** The jobs each TaskManager was given to define when it registered. */
  private readonly welcomedWith = new WeakMap<RemoteTaskManager, ReadonlySet<string>>();
  private readonly running = new Set<JobClient>();
  private readonly clients = new Set<{ close(): void }>();
  private nextTaskManagerId = 0;
  private nextJob = 1;
  /** The key of the job being submitted (env.executeOn calls submitJob synchronously). */
  private submitting: string | undefined;
  private rest: RestServer | undefined;
  private closed = false;
  private election: LeaderElection | undefined;
  /** With HA: the leadership this JobManager holds, if any; without, it always serves. */
  private leadership: Leadership | undefined;
  /** The HA services this process connected itself (and closes); tests pass their own. */
  private ownHa: HighAvailabilityServices | undefined;
  private ha: HighAvailabilityServices | undefined;
  /** Records the completed checkpoints of the job being submitted (HA only). */
  private recording: JobSettings['recordCompletedCheckpoint'];
  /** The id of the job being submitted when it is recovered: it keeps the id it was first given. */
  private recovering: string | undefined;
  /** With HA: the ids registered in the coordination service as of its latest listing. */
  private registeredIds: ReadonlySet<string> = new Set();
  /** With HA: each TaskManager's registration, and whether a listing has shown it yet. */
  private readonly registrationOf = new Map<RemoteTaskManager, { readonly id: string; seen: boolean }>();
  private unwatchTaskManagers: Unwatch | undefined;

  private constructor(
    private readonly options: JobManagerProcessOptions,
    private readonly server: net.Server,
    clock: Clock,
  ) {
    this.clock = clock;
    this.system = new ActorSystem(`brook-jm-${process.pid}-${++systems}`);
    this.jobManager = spawnJobManagerActor(this.system, clock, { slotRequestTimeoutMs: options.slotRequestTimeoutMs });
    this.gateway = new JobManagerGateway(this.system, this.jobManager);
    server.on('connection', (socket) => this.accept(new FramedConnection(socket)));
  }

  /**
   * Starts listening; with `options.ha` (or `ha` given) it also campaigns for leadership and
   * serves TaskManagers and clients only while it leads.
   */
  static async start(options: JobManagerProcessOptions, clock: Clock = systemClock, ha?: HighAvailabilityServices): Promise<JobManagerProcess> {
    const server = net.createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', (e) => reject(new Error(`the JobManager cannot listen on ${options.host ?? '127.0.0.1'}:${options.port}: ${e.message}`)));
      server.listen(options.port, options.host ?? '127.0.0.1', () => resolve());
    });
    const jm = new JobManagerProcess(options, server, clock);
    if (options.restPort !== undefined) {
      jm.rest = new RestServer(jm.gateway, { host: options.host, port: options.restPort, enableCancel: true, enableSavepoint: true });
      await jm.rest.start();
    }
    log('listening on port %d', jm.port);
    try {
      const settings = options.ha;
      const services = ha ?? (settings && (jm.ownHa = await connectHighAvailability(settings, clock)));
      if (services) await jm.campaign(services, settings?.leaseTtlSeconds ?? DEFAULT_LEASE_TTL_SECONDS);
    } catch (e) {
      await jm.shutdown();
      throw e;
    }
    return jm;
  }

  /** True while this JobManager may act: always without HA, while it leads with HA. */
  get leading(): boolean {
    return this.election === undefined || this.leadership !== undefined;
  }

  /**
   * Contends for leadership publishing this JobManager's port. A revoked leader stops acting at
   * once and stays a contender, as Flink's JobManagers do: it may lead again later.
   */
  private async campaign(ha: HighAvailabilityServices, ttlSeconds: number): Promise<void> {
    const address = `${this.options.host ?? '127.0.0.1'}:${this.port}`;
    this.ha = ha;
    this.unwatchTaskManagers = await ha.taskManagers.watch((registered) => this.registrationsChanged(registered));
    this.election = ha.leaderElection(JOB_MANAGER, address, { ttlSeconds });
    await this.election.start({
      grantLeadership: (leadership) => {
        if (this.closed) return;
        this.leadership = leadership;
        log('leads as %s (token %s)', address, leadership.token);
        this.options.onLeadership?.({ type: 'granted', token: leadership.token });
        this.recoverJobs(ha, leadership).catch((e: unknown) => {
          if (this.leadership === leadership) process.stderr.write(`brook: error: cannot recover the jobs: ${e instanceof Error ? e.message : String(e)}\n`);
        });
      },
      revokeLeadership: (reason) => {
        const was = this.leadership;
        this.leadership = undefined;
        if (!was || this.closed) return;
        log('leadership revoked: %s', reason);
        this.stopActing(new Error(`the JobManager lost its leadership: ${reason}`));
        this.options.onLeadership?.({ type: 'revoked', reason });
      },
    });
  }

  /**
   * A TaskManager whose registration disappeared from the coordination service is lost, as one
   * whose heartbeats stopped: its lease ended (it was paused past its TTL, or cut off), so it is
   * fenced out on its side and its subtasks fail over here. A registration not listed yet (the
   * watch lags behind the TaskManager's own write) is not missing: only one seen and then gone.
   */
  private registrationsChanged(registered: readonly TaskManagerInfo[]): void {
    this.registeredIds = new Set(registered.map((t) => t.id));
    for (const tm of this.taskManagers.values()) this.checkRegistration(tm);
  }

  private checkRegistration(tm: RemoteTaskManager): void {
    const registration = this.registrationOf.get(tm);
    if (!registration || !tm.alive) return;
    if (this.registeredIds.has(registration.id)) registration.seen = true;
    else if (registration.seen)
      tm.disconnect(new Error(`its registration ${registration.id} ended (its lease expired: paused, or cut off from the coordination service)`));
  }

  /**
   * A deposed leader: its jobs stop running here and its TaskManagers are let go (they find the
   * new leader), so nothing it started acts any more.
   */
  private stopActing(reason: Error): void {
    for (const client of this.running) void client.cancel();
    for (const tm of this.taskManagers.values()) tm.disconnect(reason);
    this.taskManagers.clear();
    for (const c of this.clients) c.close();
  }

  get port(): number {
    return (this.server.address() as net.AddressInfo).port;
  }

  get restUrl(): string | undefined {
    return this.rest?.url;
  }

  submitJob(jobGraph: JobGraph, config: TaskConfig, settings: JobSettings = {}): JobClient {
    if (this.closed) throw new Error('the JobManager has been shut down');
    const key = this.submitting;
    if (key === undefined) throw new Error('a JobManager process runs the job files clients submit (brook run --jobmanager)');
    const recordCompletedCheckpoint = this.recording;
    const { client, outcome } = submitJob(
      this.system,
      this.jobManager,
      jobGraph,
      config,
      recordCompletedCheckpoint ? { ...settings, recordCompletedCheckpoint } : settings,
      // A recovered job is a new run of the same job: its sinks fence the previous leader's out.
      this.recovering === undefined ? undefined : { jobId: this.recovering, runId: newJobId() },
    );
    this.jobKeys.set(client.jobId, key);
    this.running.add(client);
    void outcome.then(() => this.running.delete(client));
    return client;
  }

  async shutdown(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.election?.close();
    await this.unwatchTaskManagers?.();
    await Promise.all([...this.running].map((c) => c.cancel()));
    for (const tm of this.taskManagers.values()) tm.shutdown();
    for (const c of this.clients) c.close();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    await this.rest?.close();
    this.system.stop(this.jobManager);
    this.system.shutdown();
    await this.ownHa?.close();
  }

  private peers(): PeerAddress[] {
    return [...this.taskManagers.values()].filter((tm) => tm.alive).map((tm) => tm.address);
  }

  /** The first frame says who connects: a TaskManager registering, or a client submitting. */
  private accept(connection: PortConnection): void {
    connection.onMessage((first) => {
      if (!this.leading) {
        // A standby serves nobody: TaskManagers and clients look the leader up again.
        log('refusing a %s from %s: not the leader', first.type, connection.remote);
        if (first.type === 'submit') connection.send({ type: 'failed', status: 'FAILED', message: 'this JobManager is a standby, not the leader' });
        connection.close();
        return;
      }
      if (first.type === 'register') this.register(connection as unknown as FramedConnection<FromTaskManager, ToTaskManager>, first);
      else if (first.type === 'submit') this.serveClient(connection as unknown as FramedConnection<FromClient, ToClient>, first);
      else connection.destroy(new Error(`unexpected first message '${first.type}'`));
    });
  }

  private register(connection: FramedConnection<FromTaskManager, ToTaskManager>, message: Extract<FromTaskManager, { type: 'register' }>): void {
    const id = this.nextTaskManagerId++;
    // The address it gave, unless it listens on all interfaces: then the one it connected from.
    const host = message.dataHost === '0.0.0.0' || message.dataHost === '::' ? (connection.socket.remoteAddress ?? message.dataHost) : message.dataHost;
    const tm = new RemoteTaskManager(id, message.slots, { taskManagerId: id, host, port: message.dataPort }, connection, {
      system: this.system,
      jobManager: this.jobManager,
      addresses: this.addresses,
      clock: this.clock,
      heartbeat: this.options.heartbeat ?? DEFAULT_HEARTBEAT,
      jobKey: (jobId) => this.jobKeys.get(jobId) ?? '',
      peers: () => this.peers(),
      onOutput: (key, stream, text) => this.active.get(key)?.output(stream, text),
      onSinkResults: (key, nodeId, results) => {
        const sink = this.active.get(key)?.graph.streamGraph.nodes.get(nodeId)?.sink;
        if (forwardsResults(sink)) sink.acceptForwarded(results);
      },
      onReady: (ready) => log('TaskManager %d (%s:%d) offers %d slot(s)', ready.taskManagerId, host, message.dataPort, ready.slots),
      onLost: (lost) => {
        this.taskManagers.delete(lost.taskManagerId);
        this.registrationOf.delete(lost);
      },
    });
    this.taskManagers.set(id, tm);
    if (message.registration !== undefined) {
      this.registrationOf.set(tm, { id: message.registration, seen: false });
      this.checkRegistration(tm);
    }
    log('TaskManager %d registers from %s', id, connection.remote);
    const jobs = [...this.active.values()].map((a) => a.job);
    this.welcomedWith.set(tm, new Set(jobs.map((j) => j.key)));
    tm.welcome(jobs);
  }

  /** Follows the job for the client that submitted it; its going away cancels the job. */
  private serveClient(connection: FramedConnection<FromClient, ToClient>, submit: Extract<FromClient, { type: 'submit' }>): void {
    this.clients.add(connection);
    let client: JobClient | undefined;
    let gone = false;
    connection
      .onMessage((m) => {
        if (m.type === 'cancel') void client?.cancel();
      })
      .onClose(() => {
        this.clients.delete(connection);
        gone = true;
        // The client is gone (Ctrl-C, a dropped connection): the job it follows is cancelled.
        void client?.cancel();
      });
    const { file, args, parallelism, savepoint } = submit;
    this.startJob(
      { file, args, parallelism, savepoint, recoveredId: undefined },
      {
        send: (message) => connection.send(message),
        gone: () => gone,
        submitted: (c) => (client = c),
        close: () => connection.close(),
      },
    );
  }

  /**
   * A new leader runs every job of the JobGraphStore that has no result yet, from its latest
   * completed checkpoint (or as it was submitted, before any); the job's output goes to this
   * process's stdout and stderr, having no client any more.
   */
  private async recoverJobs(ha: HighAvailabilityServices, leadership: Leadership): Promise<void> {
    for (const { record, pointer, restoreFrom: savepoint } of await jobsToRecover(ha, leadership.fence, this.clock.now())) {
      if (this.leadership !== leadership) return;
      if ([...this.active.values()].some((a) => a.ha?.jobId === record.jobId)) continue;
      const from = pointer
        ? `from checkpoint ${pointer.checkpointId} at ${pointer.location}`
        : savepoint
          ? `from savepoint ${savepoint.path}: it has no completed checkpoint`
          : 'from its start: it has no completed checkpoint';
      process.stderr.write(`brook: recovering job ${record.jobId} (${record.jobFile}) ${from}\n`);
      this.startJob(
        { file: record.jobFile, args: record.args, parallelism: record.parallelism, savepoint, recoveredId: record.jobId },
        recoveredJobFollower(record.jobId, process),
      );
    }
  }

  /**
   * Defines the job here, then on every TaskManager, submits it and follows it. With HA the job
   * is recorded in the JobGraphStore, each completed checkpoint in the pointer store (fenced,
   * before sinks commit) and its end in the JobResultStore, all by this leadership only.
   */
  private startJob(request: JobRequest, follower: JobFollower): void {
    const { send } = follower;
    const key = `job-${this.nextJob++}`;
    const leadership = this.leadership;
    const ha = this.ha;
    let cleanups: Array<() => void | Promise<void>> = [];
    let client: JobClient | undefined;
    let haJob: { readonly jobId: string; readonly fence: Fence } | undefined;
    const run = async (): Promise<void> => {
      const file = await loadJobFile(request.file);
      const output = (stream: 'stdout' | 'stderr', text: string): void => send({ type: stream, text });
      const env = StreamExecutionEnvironment.createLocalEnvironment({
        parallelism: request.parallelism,
        stdout: { write: (t) => output('stdout', t) },
        stderr: { write: (t) => output('stderr', t) },
      });
      if (request.savepoint) env.setSavepointRestoreSettings(request.savepoint);
      cleanups = await defineFromJobFile(file, env, request.args);
      const graph = env.getJobGraph(file.jobName);
      const job: ProcessJob = {
        key,
        file: request.file,
        args: request.args,
        parallelism: request.parallelism,
        jobName: file.jobName,
        fingerprint: jobGraphFingerprint(graph),
      };
      const active: ActiveJob = { job, graph, output, ha: undefined };
      this.active.set(key, active);
      if (request.recoveredId !== undefined) {
        await this.slotsFor(graph);
        // The previous leader's lock on the checkpoint directory, if it died on another host.
        const storage = env.jobSettings().checkpointing?.storage;
        if (storage?.type === 'filesystem' && !(await whenCheckpointDirectoryFree(storage.directory, this.clock))) {
          log('the checkpoint directory %s is still locked; starting anyway', storage.directory);
        }
      }
      // A TaskManager that registered meanwhile defined the job when it was welcomed.
      const tms = [...this.taskManagers.values()].filter((tm) => tm.alive && !this.welcomedWith.get(tm)?.has(key));
      const refusals = await Promise.allSettled(tms.map((tm) => tm.defineJob(job)));
      // A TaskManager lost meanwhile did not refuse the job: its slots are gone and the job runs on the others.
      const refused = refusals.flatMap((r, i) => (r.status === 'rejected' && tms[i].alive ? [(r.reason as Error).message] : []));
      if (refused.length > 0) throw new Error(`the TaskManagers refused job '${file.jobName}': ${refused.join('; ')}`);
      if (follower.gone() || this.leadership !== leadership) return;
      // The id a new leader knows the job by: the first submission's, kept across recoveries.
      const ids = { jobId: request.recoveredId ?? '' };
      this.submitting = key;
      this.recovering = request.recoveredId;
      this.recording =
        ha && leadership
          ? (checkpoint) =>
              ha.checkpoints.add(leadership.fence, {
                jobId: ids.jobId,
                checkpointId: checkpoint.checkpointId,
                location: checkpoint.location ?? '',
                timestamp: checkpoint.timestamp,
              })
          : undefined;
      try {
        client = env.executeOn(this, file.jobName);
      } finally {
        this.submitting = undefined;
        this.recovering = undefined;
        this.recording = undefined;
      }
      follower.submitted(client);
      ids.jobId ||= client.jobId;
      if (ha && leadership) {
        haJob = { jobId: ids.jobId, fence: leadership.fence };
        active.ha = haJob;
        if (request.recoveredId === undefined) {
          await ha.jobGraphs.put(leadership.fence, {
            jobId: ids.jobId,
            jobFile: request.file,
            args: request.args,
            parallelism: request.parallelism,
            savepoint: request.savepoint,
            fingerprint: job.fingerprint,
            state: 'running',
            submittedAt: this.clock.now(),
          });
        }
      }
      send({ type: 'submitted', jobId: ids.jobId, jobName: file.jobName });
      log("job '%s' (%s) submitted", file.jobName, ids.jobId);
      try {
        const r = await client.getJobExecutionResult();
        await this.recordEnd(haJob, 'finished', undefined);
        send({
          type: 'finished',
          jobName: r.jobName,
          netRuntime: r.netRuntime,
          skipped: r.vertices.reduce((n, v) => n + v.numRecordsSkipped, 0),
          late: r.vertices.reduce((n, v) => n + v.numLateRecordsDropped, 0),
          numRestarts: r.numRestarts ?? 0,
        });
      } catch (e) {
        const cancelled = client.getJobStatus() === 'CANCELED';
        await this.recordEnd(haJob, cancelled ? 'cancelled' : 'failed', (e as Error).message);
        send({ type: 'failed', status: cancelled ? 'CANCELED' : 'FAILED', message: (e as Error).message });
      }
    };
    void run()
      .catch((e: unknown) => {
        void client?.cancel();
        send({ type: 'failed', status: 'FAILED', message: e instanceof Error ? e.message : String(e) });
      })
      .finally(() => {
        this.active.delete(key);
        for (const tm of this.taskManagers.values()) tm.jobEnded(key);
        void runCleanups(cleanups);
        follower.close();
      });
  }

  /**
   * Records how a job ended, unless this JobManager no longer leads with the leadership that ran
   * it: a deposed leader's jobs were stopped here, not ended, and the next leader runs them.
   */
  private async recordEnd(
    haJob: { readonly jobId: string; readonly fence: Fence } | undefined,
    state: JobResult['state'],
    error: string | undefined,
  ): Promise<void> {
    if (!haJob || !this.ha || this.leadership?.fence.key !== haJob.fence.key) return;
    await recordJobEnd(this.ha, haJob.fence, { jobId: haJob.jobId, state, timestamp: this.clock.now(), ...(error === undefined ? {} : { error }) });
  }

  /** A recovered job waits for TaskManagers to offer its slots (they register with a new leader after it is elected). */
  private async slotsFor(graph: JobGraph): Promise<void> {
    const needed = Math.max(...graph.vertices.map((v) => v.parallelism));
    const deadline = this.clock.now() + (this.options.slotRequestTimeoutMs ?? DEFAULT_SLOT_REQUEST_TIMEOUT_MS);
    for (;;) {
      const overview = await this.gateway.requestClusterOverview();
      if (overview.taskManagers.reduce((n, t) => n + t.freeSlots, 0) >= needed || this.clock.now() >= deadline) return;
      await new Promise<void>((resolve) => this.clock.setTimeout(resolve, SLOT_POLL_MS));
    }
  }
}
