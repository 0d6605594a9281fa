import createDebug from 'debug';
import { MessagePort, parentPort, workerData } from 'worker_threads';
import { loadJobDefinition } from '../../lib/api/JobModule';
import { StreamExecutionEnvironment } from '../../lib/api/StreamExecutionEnvironment';
import { forwardsResults } from '../../lib/connectors/sink/ForwardableSink';
import { JobGraph, JobVertex } from '../../lib/graph/JobGraph';
import { describeJobGraphShape, jobGraphFingerprint } from '../../lib/graph/jobGraphFingerprint';
import { StreamPartitioner } from '../../lib/partitioners/StreamPartitioner';
import { TextWriter } from '../../lib/runtime/StreamOperator';
import { systemClock } from '../../lib/time/SystemClock';
import { SubtaskWiring } from '../../lib/controlplane/SubtaskWiring';
import { JobManagerMessage, SubtaskMessage, SubtaskRef, TaskManagerMessage } from '../messages';
import { ActorSystem, TypedRef } from '../nact';
import { spawnTaskManagerActor } from '../TaskManagerActor';
import { toTaskManagerReport } from '../toTaskManagerReport';
import { decodeFromPort, encodeForPort } from './channelCodec';
import { FromThread, PeerEnvelope, ThreadWiring, SubtaskAddress, ToThread, TaskManagerThreadData } from './protocol';
import { assertNever } from '../../lib/util/assertNever';

/**
 * A TaskManager on a worker thread: its own nact actor system with the TaskManager actor and
 * its subtasks. It defines the job from the job module itself (user functions cannot be sent),
 * checks that its JobGraph has the main thread's fingerprint, and then bridges: the JobManager
 * on the main thread is a thread ref over parentPort, subtasks of other TaskManagers are thread
 * refs over one MessagePort per peer, and messages arriving on those ports go to local actors.
 */
const data = workerData as TaskManagerThreadData;
const port = parentPort!;
const log = createDebug(`brook:taskmanager-thread:${data.taskManagerId}`);
const post = (message: FromThread, transfer: ArrayBuffer[] = []): void => port.postMessage(message, transfer);

function defineJob(): JobGraph {
  const define = loadJobDefinition<unknown, unknown>(data.job);
  const writer = (type: 'stdout' | 'stderr'): TextWriter => ({ write: (text) => post({ type, text }) });
  const env = StreamExecutionEnvironment.createLocalEnvironment({
    ...data.job.environment,
    stdout: writer('stdout'),
    stderr: writer('stderr'),
  });
  define(env, data.job.params);
  const graph = env.getJobGraph(data.job.jobName);
  const fingerprint = jobGraphFingerprint(graph);
  if (fingerprint !== data.job.fingerprint) {
    throw new Error(
      `job module ${data.job.module} (${data.job.exportName}) defined a different job on TaskManager thread ${data.taskManagerId} ` +
        `(fingerprint ${fingerprint}, main thread ${data.job.fingerprint}): ${describeJobGraphShape(graph)}. ` +
        'The define function must build the same graph from the same parameters (no randomness or thread-local state).',
    );
  }
  // Results of collect-style sinks belong to the submitter: post them instead of keeping them.
  for (const node of graph.streamGraph.nodes.values()) {
    if (forwardsResults(node.sink)) node.sink.forwardTo((results) => post({ type: 'sinkResults', nodeId: node.id, results }));
  }
  return graph;
}

function start(graph: JobGraph): void {
  const system = new ActorSystem(`brook-tm-${data.taskManagerId}-${process.pid}`);
  const vertices = new Map<number, JobVertex>(graph.vertices.map((v) => [v.id, v]));
  const partitioners = new Map<string, StreamPartitioner<unknown>>();
  for (const node of graph.streamGraph.nodes.values()) for (const e of node.outEdges) partitioners.set(e.id, e.partitioner);

  /** Local subtasks by execution id; messages for one that has not started yet wait. */
  const local = new Map<string, TypedRef<SubtaskMessage>>();
  const waiting = new Map<string, SubtaskMessage[]>();
  const deliverLocal = (executionId: string, message: SubtaskMessage): void => {
    const pending = waiting.get(executionId);
    if (pending) pending.push(message);
    else {
      const ref = local.get(executionId);
      if (ref) system.tell(ref, message);
    }
  };

  const peers = new Map<number, MessagePort>();
  const connect = (taskManagerId: number, peer: MessagePort): void => {
    // A TaskManager whose thread died comes back on a new channel; the old one is dead.
    peers.get(taskManagerId)?.close();
    peers.set(taskManagerId, peer);
    peer.on('message', (envelope: PeerEnvelope) => deliverLocal(envelope.to, decodeFromPort(envelope.message)));
  };
  for (const p of data.peers) connect(p.taskManagerId, p.port);
  const peerRefs = new Map<string, TypedRef<SubtaskMessage>>();
  const refOf = (address: SubtaskAddress): TypedRef<SubtaskMessage> => {
    let ref = peerRefs.get(address.executionId);
    if (ref) return ref;
    if (address.taskManagerId === data.taskManagerId) {
      // Starts arrive one by one over the port: a local producer may start and send before its
      // consumer's start is here, so local channels go through the same hold-back as those of other threads.
      ref = system.threadRef<SubtaskMessage>(address.executionId, (message) => deliverLocal(address.executionId, message));
      peerRefs.set(address.executionId, ref);
      return ref;
    }
    if (!ref) {
      const peer = peers.get(address.taskManagerId);
      if (!peer) throw new Error(`no channel to TaskManager ${address.taskManagerId}`);
      ref = system.threadRef<SubtaskMessage>(`tm-${address.taskManagerId}/${address.executionId}`, (message) => {
        const encoded = encodeForPort(message);
        peer.postMessage({ to: address.executionId, message: encoded.message } satisfies PeerEnvelope, encoded.transfer);
      });
      peerRefs.set(address.executionId, ref);
    }
    return ref;
  };
  const toWiring = (wiring: ThreadWiring): SubtaskWiring<SubtaskRef> => ({
    inputs: wiring.inputs.map((i) => ({ index: i.index, producer: refOf(i.producer), producerChannel: i.producerChannel })),
    outputs: wiring.outputs.map((o) => ({
      streamEdgeId: o.streamEdgeId,
      partitioner: partitioners.get(o.streamEdgeId)!,
      channels: o.channels.map((c) => ({ index: c.index, consumer: refOf(c.consumer), consumerChannel: c.consumerChannel })),
    })),
  });

  // The JobManager, as the TaskManager and its subtasks see it.
  const jobManager = system.threadRef<JobManagerMessage>('jobmanager', (message) => {
    switch (message.type) {
      case 'registerTaskManager':
        post({ type: 'ready', taskManagerId: message.taskManagerId, slots: message.slots });
        break;
      case 'deployed':
        for (const s of message.subtasks) {
          local.set(s.executionId, s.ref);
          waiting.set(s.executionId, []);
        }
        post(toTaskManagerReport(message));
        break;
      default:
        post(toTaskManagerReport(message));
    }
  });
  const taskManager: TypedRef<TaskManagerMessage> = spawnTaskManagerActor({
    system,
    jobManager,
    parent: system.root,
    taskManagerId: data.taskManagerId,
    slots: data.slots,
    clock: systemClock,
    stdout: { write: (text) => post({ type: 'stdout', text }) },
    stderr: { write: (text) => post({ type: 'stderr', text }) },
  });
  const reply = <R>(requestId: number): TypedRef<R> => system.threadRef<R>('reply', (payload) => post({ type: 'reply', requestId, payload }));

  port.on('message', (message: ToThread) => {
    switch (message.type) {
      case 'deploy':
        system.tell(taskManager, {
          type: 'deploy',
          jobId: message.jobId,
          deployments: message.deployments.map((d) => {
            const vertex = vertices.get(d.vertexId);
            if (!vertex) throw new Error(`TaskManager thread ${data.taskManagerId} has no task ${d.vertexId}`);
            return {
              executionId: d.executionId,
              descriptor: {
                jobName: graph.jobName,
                jobId: d.jobId,
                vertex,
                subtaskIndex: d.subtaskIndex,
                attemptNumber: d.attemptNumber,
                config: d.config,
                restore: d.restore,
              },
            };
          }),
        });
        break;
      case 'toSubtask': {
        const ref = local.get(message.executionId);
        if (!ref) break;
        if (message.message.type === 'start') {
          system.tell(ref, { type: 'start', wiring: toWiring(message.message.wiring) });
          // Batches from peers that started first were held back until this start.
          const pending = waiting.get(message.executionId) ?? [];
          waiting.delete(message.executionId);
          for (const m of pending) system.tell(ref, m);
        } else {
          deliverLocal(message.executionId, message.message);
        }
        break;
      }
      case 'release': {
        system.tell(taskManager, { type: 'release', jobId: message.jobId });
        // Execution ids are `jobId:vertex.subtask:attempt`: what is left of the job's subtasks goes.
        const ofJob = (executionId: string): boolean => executionId.startsWith(`${message.jobId}:`);
        for (const map of [local, waiting]) for (const executionId of map.keys()) if (ofJob(executionId)) map.delete(executionId);
        for (const [executionId, ref] of peerRefs) {
          if (!ofJob(executionId)) continue;
          system.forgetThreadRef(ref);
          peerRefs.delete(executionId);
        }
        break;
      }
      case 'peer':
        connect(message.taskManagerId, message.port);
        break;
      case 'collectMetrics':
        system.tell(taskManager, { type: 'collectMetrics', jobId: message.jobId, replyTo: reply(message.requestId) });
        break;
      case 'describe':
        system.tell(taskManager, { type: 'describe', replyTo: reply(message.requestId) });
        break;
      case 'shutdown':
        log('shutting down');
        system.stop(taskManager);
        system.shutdown();
        for (const p of peers.values()) p.close();
        post({ type: 'closed' });
        port.close();
        break;
      default:
        assertNever(message, 'message to a TaskManager thread');
    }
  });
}

try {
  start(defineJob());
} catch (e) {
  log('%s', (e as Error).stack);
  post({ type: 'fatal', message: (e as Error).message });
}
