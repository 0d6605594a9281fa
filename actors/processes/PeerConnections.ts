import createDebug from 'debug';
import { connect, FramedConnection } from '../../lib/cluster/net/FramedConnection';
import { SubtaskMessage } from '../messages';
import { decodeFromPort, encodeForPort } from '../threads/channelCodec';
import { PeerAddress, PeerFrame } from './protocol';

/** A connection to another TaskManager, and what waits for it to open. */
interface Peer {
  connection: FramedConnection<PeerFrame, PeerFrame> | undefined;
  connecting: boolean;
  readonly outbox: PeerFrame[];
}

export interface PeerConnectionsDeps {
  /** This TaskManager's id (known once registered). */
  readonly self: () => number;
  /** A channel message for a subtask of this TaskManager. */
  readonly deliver: (executionId: string, message: SubtaskMessage) => void;
  /** A connection dropped (or could not be made) under these jobs' channels: they must fail over. */
  readonly onLost: (peerId: number, reason: string, jobIds: readonly string[]) => void;
}

/**
 * A TaskManager's channel connections to the other TaskManagers: one TCP connection per pair
 * (the one with the higher id connects and says who it is), carrying channel messages in order,
 * record batches in the columnar encoding of threads. What is sent before a connection opens
 * waits in order. A connection that drops is not made again within the attempt: a job that had
 * channels over it fails over at once, one that sends over it later fails over then, and the
 * next deployment makes the connections again.
 */
export class PeerConnections {
  private readonly peers = new Map<number, Peer>();
  /** The jobs with a channel to each other TaskManager: only they fail over when its connection drops. */
  private readonly jobsByPeer = new Map<number, Set<string>>();
  /** Peers whose connection dropped in this attempt, with why, and the jobs told so. */
  private readonly broken = new Map<number, { readonly reason: string; readonly reported: Set<string> }>();
  private closed = false;
  private log = createDebug('brook:taskmanager-process');

  constructor(private readonly deps: PeerConnectionsDeps) {}

  /** A channel of job `jobId` runs over the connection to `peerId`. */
  addChannel(peerId: number, jobId: string): void {
    const jobs = this.jobsByPeer.get(peerId) ?? new Set<string>();
    jobs.add(jobId);
    this.jobsByPeer.set(peerId, jobs);
  }

  forgetJob(jobId: string): void {
    for (const jobs of this.jobsByPeer.values()) jobs.delete(jobId);
  }

  /** A channel message of job `jobId` for subtask `executionId` on TaskManager `peerId`. */
  send(peerId: number, jobId: string, executionId: string, message: SubtaskMessage): void {
    const broken = this.broken.get(peerId);
    if (broken) {
      if (!broken.reported.has(jobId)) {
        broken.reported.add(jobId);
        this.deps.onLost(peerId, broken.reason, [jobId]);
      }
      return;
    }
    const encoded = encodeForPort(message);
    const frame: PeerFrame = { type: 'channel', to: executionId, message: encoded.message };
    const peer = this.peer(peerId);
    if (peer.connection) peer.connection.send(frame);
    else peer.outbox.push(frame);
  }

  /** A new attempt is deployed: connections that dropped are made again (by the higher id). */
  newAttempt(peers: readonly PeerAddress[]): void {
    this.broken.clear();
    this.connect(peers);
  }

  /** Connects to every live TaskManager with a lower id that has no connection (the higher id connects). */
  connect(peers: readonly PeerAddress[]): void {
    const self = this.deps.self();
    this.log = createDebug(`brook:taskmanager-process:${self}`);
    for (const p of peers) {
      if (p.taskManagerId >= self) continue;
      const peer = this.peer(p.taskManagerId);
      if (peer.connection?.isOpen || peer.connecting) continue;
      peer.connecting = true;
      connect<PeerFrame, PeerFrame>(p.host, p.port).then(
        (connection) => {
          peer.connecting = false;
          connection.send({ type: 'hello', taskManagerId: self });
          this.opened(p.taskManagerId, connection);
        },
        (e: Error) => {
          peer.connecting = false;
          this.lost(p.taskManagerId, e);
        },
      );
    }
  }

  /** A TaskManager with a higher id connected: its first frame says which. */
  accept(connection: FramedConnection<PeerFrame, PeerFrame>): void {
    connection.onMessage((frame) => {
      if (frame.type === 'hello') this.opened(frame.taskManagerId, connection);
      else connection.destroy(new Error('a peer sent a channel message before saying who it is'));
    });
  }

  close(): void {
    this.closed = true;
    for (const p of this.peers.values()) p.connection?.close();
  }

  private peer(peerId: number): Peer {
    let peer = this.peers.get(peerId);
    if (!peer) {
      peer = { connection: undefined, connecting: false, outbox: [] };
      this.peers.set(peerId, peer);
    }
    return peer;
  }

  private opened(peerId: number, connection: FramedConnection<PeerFrame, PeerFrame>): void {
    if (this.closed) {
      connection.close();
      return;
    }
    const peer = this.peer(peerId);
    peer.connection?.close();
    peer.connection = connection;
    this.log('channel connection with TaskManager %d open', peerId);
    connection
      .onMessage((frame) => {
        if (frame.type === 'channel') this.deps.deliver(frame.to, decodeFromPort(frame.message));
      })
      .onClose((reason) => {
        if (peer.connection === connection) peer.connection = undefined;
        if (reason) this.lost(peerId, reason);
      });
    for (const frame of peer.outbox.splice(0)) connection.send(frame);
  }

  private lost(peerId: number, reason: Error): void {
    if (this.closed) return;
    this.log('channel connection with TaskManager %d lost: %s', peerId, reason.message);
    // What was queued for it belongs to an attempt that fails over now.
    this.peers.delete(peerId);
    const jobIds = [...(this.jobsByPeer.get(peerId) ?? [])];
    this.jobsByPeer.delete(peerId);
    this.broken.set(peerId, { reason: reason.message, reported: new Set(jobIds) });
    if (jobIds.length > 0) this.deps.onLost(peerId, reason.message, jobIds);
  }
}
