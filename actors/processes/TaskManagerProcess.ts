import createDebug from 'debug';
import net from 'net';
import { StreamExecutionEnvironment } from '../../lib/api/StreamExecutionEnvironment';
import { connect, FramedConnection } from '../../lib/cluster/net/FramedConnection';
import { PeerConnections } from './PeerConnections';
import { DEFAULT_HEARTBEAT, HeartbeatMonitor } from '../../lib/cluster/net/HeartbeatMonitor';
import { defineFromJobFile, loadJobFile, runCleanups } from '../../lib/cli/JobFile';
import { forwardsResults } from '../../lib/connectors/sink/ForwardableSink';
import { SubtaskWiring } from '../../lib/controlplane/SubtaskWiring';
import { JobGraph, JobVertex } from '../../lib/graph/JobGraph';
import { describeJobGraphShape, jobGraphFingerprint } from '../../lib/graph/jobGraphFingerprint';
import { StreamPartitioner } from '../../lib/partitioners/StreamPartitioner';
import { TaskManagerProcessOptions as RunOptions, RunningTaskManager } from '../../lib/cluster/ProcessRoles';
import { Clock } from '../../lib/time/Clock';
import { systemClock } from '../../lib/time/SystemClock';
import { assertNever } from '../../lib/util/assertNever';
import { JobManagerMessage, SubtaskMessage, SubtaskRef, TaskManagerMessage } from '../messages';
import { ActorSystem, TypedRef } from '../nact';
import { spawnTaskManagerActor } from '../TaskManagerActor';
import { toTaskManagerReport } from '../toTaskManagerReport';
import { SubtaskAddress, ThreadWiring } from '../threads/protocol';
import { FromTaskManager, PeerAddress, PeerFrame, ProcessJob, ToTaskManager } from './protocol';

export interface TaskManagerProcessOptions extends RunOptions {
  readonly clock?: Clock;
  /** With HA: its registration's id in the coordination service, which the JobManager watches. */
  readonly registration?: string;
  /** With HA: rejects once its registration's lease ended (see OperatorContext.checkFence). */
  readonly checkFence?: (action: string) => Promise<void>;
}

/** A job this TaskManager defined from its job file. */
interface DefinedJob {
  readonly graph: JobGraph;
  readonly vertices: ReadonlyMap<number, JobVertex>;
  readonly partitioners: ReadonlyMap<string, StreamPartitioner<unknown>>;
  readonly cleanups: Array<() => void | Promise<void>>;
}

/** Actor systems need distinct names: tests run several TaskManagers in one process. */
let systems = 0;
/**
 * A TaskManager in its own OS process: registers its slots with the JobManager over TCP,
 * heartbeats, defines every job it is given from the job file installed on its host (refusing
 * one whose JobGraph fingerprint differs from the JobManager's), and runs the subtasks deployed
 * into its slots in its own nact actor system. Channels to subtasks of other TaskManagers go
 * over one TCP connection per pair (the one with the higher id connects), in order, as frames;
 * channels between its own subtasks stay in the process. Losing the JobManager ends the
 * process; losing a peer fails over the jobs, and is never repaired in the middle of an attempt.
 */
export class TaskManagerProcess implements RunningTaskManager {
  readonly closed: Promise<Error | undefined>;
  readonly registered: Promise<number>;
  private markRegistered!: (id: number) => void;
  private taskManagerId = -1;
  private readonly system: ActorSystem;
  private taskManager: TypedRef<TaskManagerMessage> | undefined;
  private readonly jobs = new Map<string, DefinedJob>();
  /** The job (key) of every execution deployed here. */
  private readonly jobOfExecution = new Map<string, string>();
  /** The job (key) of every job id deployed here. */
  private readonly keyOfJob = new Map<string, string>();
  private readonly local = new Map<string, TypedRef<SubtaskMessage>>();
  private readonly waiting = new Map<string, SubtaskMessage[]>();
  private readonly peers: PeerConnections;
  private readonly peerRefs = new Map<string, TypedRef<SubtaskMessage>>();
  private heartbeat: HeartbeatMonitor | undefined;
  private stopping = false;
  private finish!: (reason: Error | undefined) => void;
  private log: createDebug.Debugger;
  /** Subtasks deployed for a job this TaskManager could not define: they fail when started. */
  private readonly refused = new Map<string, { readonly jobId: string; readonly taskName: string; readonly subtaskIndex: number }>();

  private constructor(
    private readonly options: TaskManagerProcessOptions,
    private readonly control: FramedConnection<ToTaskManager, FromTaskManager>,
    private readonly dataServer: net.Server,
  ) {
    this.system = new ActorSystem(`brook-tm-${process.pid}-${++systems}`);
    this.log = createDebug('brook:taskmanager-process');
    this.closed = new Promise((resolve) => (this.finish = resolve));
    this.registered = new Promise((resolve) => (this.markRegistered = resolve));
    control.onMessage((m) => this.onControl(m)).onClose((reason) => this.stop(reason && new Error(`lost the JobManager: ${reason.message}`)));
    this.peers = new PeerConnections({
      self: () => this.taskManagerId,
      deliver: (executionId, message) => this.deliverLocal(executionId, message),
      onLost: (taskManagerId, reason, jobIds) => this.send({ type: 'peerLost', taskManagerId, reason, jobIds }),
    });
    dataServer.on('connection', (socket) => this.peers.accept(new FramedConnection<PeerFrame, PeerFrame>(socket)));
  }

  /** Connects to the JobManager and registers; resolves once registration was sent. */
  static async start(options: TaskManagerProcessOptions): Promise<TaskManagerProcess> {
    const dataHost = options.dataHost ?? '127.0.0.1';
    const server = net.createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, dataHost, () => resolve());
    });
    let control: FramedConnection<ToTaskManager, FromTaskManager>;
    try {
      control = await connect<ToTaskManager, FromTaskManager>(options.jobManagerHost, options.jobManagerPort);
    } catch (e) {
      server.close();
      throw e;
    }
    const tm = new TaskManagerProcess(options, control, server);
    const dataPort = (server.address() as net.AddressInfo).port;
    control.send({ type: 'register', slots: options.slots, dataHost, dataPort, registration: options.registration });
    return tm;
  }

  get id(): number {
    return this.taskManagerId;
  }

  /** The port other TaskManagers connect to for channels. */
  get dataPort(): number {
    return (this.dataServer.address() as net.AddressInfo).port;
  }

  /** Stops the subtasks and connections; `closed` resolves with the reason (undefined when asked to). */
  stop(reason: Error | undefined = undefined): void {
    if (this.stopping) return;
    this.stopping = true;
    this.heartbeat?.stop();
    if (reason) this.log('stopping: %s', reason.message);
    if (this.taskManager) this.system.stop(this.taskManager);
    this.system.shutdown();
    this.peers.close();
    this.control.close();
    this.dataServer.close();
    const cleanups = [...this.jobs.values()].flatMap((j) => j.cleanups);
    this.jobs.clear();
    void runCleanups(cleanups).then(() => this.finish(reason));
  }

  private send(message: FromTaskManager): void {
    this.control.send(message);
  }

  private onControl(message: ToTaskManager): void {
    this.heartbeat?.heard();
    switch (message.type) {
      case 'registered':
        this.onRegistered(message.taskManagerId, message.peers, message.jobs);
        break;
      case 'heartbeat':
        break;
      case 'defineJob':
        void this.define(message.job);
        break;
      case 'jobEnded': {
        const job = this.jobs.get(message.key);
        this.jobs.delete(message.key);
        for (const [jobId, key] of this.keyOfJob) if (key === message.key) this.keyOfJob.delete(jobId);
        if (job) void runCleanups(job.cleanups);
        break;
      }
      case 'deploy':
        this.deploy(message);
        break;
      case 'toSubtask': {
        const refused = this.refused.get(message.executionId);
        if (refused && message.message.type === 'start') {
          this.send({
            type: 'subtaskState',
            jobId: refused.jobId,
            executionId: message.executionId,
            state: 'FAILED',
            metrics: undefined,
            failure: {
              taskName: refused.taskName,
              subtaskIndex: refused.subtaskIndex,
              parallelism: 0,
              causeName: 'Error',
              causeMessage: `TaskManager ${this.taskManagerId} has not defined the job`,
              causeStack: undefined,
            },
          });
        }
        const ref = this.local.get(message.executionId);
        if (!ref) break;
        if (message.message.type === 'start') {
          this.system.tell(ref, { type: 'start', wiring: this.toWiring(message.executionId, message.message.wiring) });
          // Channel messages from producers that started first were held back until this start.
          const pending = this.waiting.get(message.executionId) ?? [];
          this.waiting.delete(message.executionId);
          for (const m of pending) this.system.tell(ref, m);
        } else {
          this.deliverLocal(message.executionId, message.message);
        }
        break;
      }
      case 'release':
        this.release(message.jobId);
        break;
      case 'collectMetrics':
        if (this.taskManager) this.system.tell(this.taskManager, { type: 'collectMetrics', jobId: message.jobId, replyTo: this.reply(message.requestId) });
        break;
      case 'describe':
        if (this.taskManager) this.system.tell(this.taskManager, { type: 'describe', replyTo: this.reply(message.requestId) });
        break;
      case 'shutdown':
        this.stop();
        break;
      default:
        assertNever(message, 'message to a TaskManager process');
    }
  }

  private onRegistered(taskManagerId: number, peers: readonly PeerAddress[], jobs: readonly ProcessJob[]): void {
    this.taskManagerId = taskManagerId;
    this.log = createDebug(`brook:taskmanager-process:${taskManagerId}`);
    this.heartbeat = new HeartbeatMonitor(
      this.options.clock ?? systemClock,
      this.options.heartbeat ?? DEFAULT_HEARTBEAT,
      () => this.send({ type: 'heartbeat' }),
      (silent) => this.stop(new Error(`no heartbeat from the JobManager for ${silent} ms`)),
    );
    this.peers.connect(peers);
    const jobManager = this.system.threadRef<JobManagerMessage>('jobmanager', (m) => this.toJobManager(m));
    this.taskManager = spawnTaskManagerActor({
      system: this.system,
      jobManager,
      parent: this.system.root,
      taskManagerId,
      slots: this.options.slots,
      clock: this.options.clock ?? systemClock,
      checkFence: this.options.checkFence,
      stdout: { write: (text) => process.stdout.write(text) },
      stderr: { write: (text) => process.stderr.write(text) },
      // What a job's subtasks print goes to the client that submitted it.
      writersFor: (jobId) => {
        const key = this.keyOfJob.get(jobId) ?? '';
        return {
          stdout: { write: (text) => this.send({ type: 'stdout', key, text }) },
          stderr: { write: (text) => this.send({ type: 'stderr', key, text }) },
        };
      },
    });
    void Promise.all(jobs.map((j) => this.define(j))).then((refusals) => {
      // A job that runs and cannot be defined here could never run here: the slots are not offered.
      const refused = refusals.filter((r): r is string => r !== undefined);
      if (refused.length > 0) {
        this.stop(new Error(`cannot join the cluster: ${refused.join('; ')}`));
        return;
      }
      this.send({ type: 'ready' });
      this.markRegistered(taskManagerId);
    });
  }

  /** Defines a job from its file as the JobManager did; answers with the outcome, and returns why it refused. */
  private async define(job: ProcessJob): Promise<string | undefined> {
    let cleanups: Array<() => void | Promise<void>> = [];
    try {
      const file = await loadJobFile(job.file);
      const writer = (type: 'stdout' | 'stderr') => ({ write: (text: string) => this.send({ type, key: job.key, text }) });
      const env = StreamExecutionEnvironment.createLocalEnvironment({ parallelism: job.parallelism, stdout: writer('stdout'), stderr: writer('stderr') });
      cleanups = await defineFromJobFile(file, env, job.args);
      const graph = env.getJobGraph(job.jobName);
      const fingerprint = jobGraphFingerprint(graph);
      if (fingerprint !== job.fingerprint) {
        throw new Error(
          `job file ${job.file} defined a different job on TaskManager ${this.taskManagerId} (fingerprint ${fingerprint}, JobManager ${job.fingerprint}): ` +
            `${describeJobGraphShape(graph)}. Every host must have the same job file, and the job must build the same graph from the same arguments.`,
        );
      }
      // Results of collect-style sinks belong to the submitter.
      for (const node of graph.streamGraph.nodes.values()) {
        if (forwardsResults(node.sink)) node.sink.forwardTo((results) => this.send({ type: 'sinkResults', key: job.key, nodeId: node.id, results }));
      }
      const partitioners = new Map<string, StreamPartitioner<unknown>>();
      for (const node of graph.streamGraph.nodes.values()) for (const e of node.outEdges) partitioners.set(e.id, e.partitioner);
      this.jobs.set(job.key, { graph, vertices: new Map(graph.vertices.map((v) => [v.id, v])), partitioners, cleanups });
      this.send({ type: 'jobDefined', key: job.key, error: undefined });
      return undefined;
    } catch (e) {
      await runCleanups(cleanups);
      const message = e instanceof Error ? e.message : String(e);
      this.log('refused job %s: %s', job.jobName, message);
      this.send({ type: 'jobDefined', key: job.key, error: message });
      return message;
    }
  }

  private deploy(message: Extract<ToTaskManager, { type: 'deploy' }>): void {
    this.peers.newAttempt(message.peers);
    const job = this.jobs.get(message.key);
    if (!job || !this.taskManager) {
      // Answered as deployed: each subtask fails when started, so that the job fails over or fails.
      for (const d of message.deployments)
        this.refused.set(d.executionId, { jobId: message.jobId, taskName: `task ${d.vertexId}`, subtaskIndex: d.subtaskIndex });
      this.send({ type: 'deployed', jobId: message.jobId, executionIds: message.deployments.map((d) => d.executionId) });
      return;
    }
    for (const d of message.deployments) this.jobOfExecution.set(d.executionId, message.key);
    this.keyOfJob.set(message.jobId, message.key);
    this.system.tell(this.taskManager, {
      type: 'deploy',
      jobId: message.jobId,
      deployments: message.deployments.map((d) => ({
        executionId: d.executionId,
        descriptor: {
          jobName: job.graph.jobName,
          jobId: d.jobId,
          vertex: job.vertices.get(d.vertexId)!,
          subtaskIndex: d.subtaskIndex,
          attemptNumber: d.attemptNumber,
          config: d.config,
          restore: d.restore,
        },
      })),
    });
  }

  private release(jobId: string): void {
    if (this.taskManager) this.system.tell(this.taskManager, { type: 'release', jobId });
    else this.send({ type: 'released', jobId });
    // Execution ids are `jobId:vertex.subtask:attempt`: what is left of the job's subtasks goes.
    const ofJob = (executionId: string): boolean => executionId.startsWith(`${jobId}:`);
    for (const map of [this.local, this.waiting, this.jobOfExecution, this.refused])
      for (const executionId of map.keys()) if (ofJob(executionId)) map.delete(executionId);
    this.peers.forgetJob(jobId);
    for (const [executionId, ref] of this.peerRefs) {
      if (!ofJob(executionId)) continue;
      this.system.forgetThreadRef(ref);
      this.peerRefs.delete(executionId);
    }
  }

  /** The JobManager as the TaskManager actor and its subtasks see it. */
  private toJobManager(message: JobManagerMessage): void {
    switch (message.type) {
      case 'registerTaskManager':
        break; // registered over TCP already
      case 'deployed':
        for (const s of message.subtasks) {
          this.local.set(s.executionId, s.ref);
          this.waiting.set(s.executionId, []);
        }
        this.send(toTaskManagerReport(message));
        break;
      default:
        this.send(toTaskManagerReport(message));
    }
  }

  private reply<R>(requestId: number): TypedRef<R> {
    return this.system.threadRef<R>('reply', (payload) => this.send({ type: 'reply', requestId, payload }));
  }

  private deliverLocal(executionId: string, message: SubtaskMessage): void {
    const pending = this.waiting.get(executionId);
    if (pending) pending.push(message);
    else {
      const ref = this.local.get(executionId);
      if (ref) this.system.tell(ref, message);
    }
  }

  private toWiring(executionId: string, wiring: ThreadWiring): SubtaskWiring<SubtaskRef> {
    const partitioners = this.jobs.get(this.jobOfExecution.get(executionId) ?? '')?.partitioners ?? new Map<string, StreamPartitioner<unknown>>();
    return {
      inputs: wiring.inputs.map((i) => ({ index: i.index, producer: this.refOf(i.producer), producerChannel: i.producerChannel })),
      outputs: wiring.outputs.map((o) => ({
        streamEdgeId: o.streamEdgeId,
        partitioner: partitioners.get(o.streamEdgeId)!,
        channels: o.channels.map((c) => ({ index: c.index, consumer: this.refOf(c.consumer), consumerChannel: c.consumerChannel })),
      })),
    };
  }

  private refOf(address: SubtaskAddress): TypedRef<SubtaskMessage> {
    const known = this.peerRefs.get(address.executionId);
    if (known) return known;
    let ref: TypedRef<SubtaskMessage>;
    if (address.taskManagerId === this.taskManagerId) {
      // In process; through the same hold-back as remote channels, since starts arrive one by one.
      ref = this.system.threadRef<SubtaskMessage>(address.executionId, (message) => this.deliverLocal(address.executionId, message));
    } else {
      const peerId = address.taskManagerId;
      // Execution ids are `jobId:vertex.subtask:attempt`.
      const jobId = address.executionId.slice(0, address.executionId.indexOf(':'));
      this.peers.addChannel(peerId, jobId);
      ref = this.system.threadRef<SubtaskMessage>(`tm-${peerId}/${address.executionId}`, (message) =>
        this.peers.send(peerId, jobId, address.executionId, message),
      );
    }
    this.peerRefs.set(address.executionId, ref);
    return ref;
  }
}
