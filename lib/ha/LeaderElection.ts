import { Fence, FencingToken } from './FencingToken';

/**
 * Campaigns for leadership of one service (the JobManager) on behalf of a contender, as Flink's
 * LeaderElectionService: the contender is told when it is granted leadership and when it loses
 * it, and must stop acting at once when it loses it.
 */
export interface LeaderElection {
  /** Starts campaigning; resolves once the campaign is registered, not when it is won. */
  start(contender: LeaderContender): Promise<void>;
  /** The current leadership if this contender holds it, as far as it knows. */
  leadership(): Leadership | undefined;
  /** Resigns (if leading) and stops campaigning; the contender is told it lost leadership. */
  close(): Promise<void>;
}

export interface LeaderContender {
  grantLeadership(leadership: Leadership): void;
  /** Leadership is gone (lease lost, resigned): stop every effect now; fenced writes would fail. */
  revokeLeadership(reason: string): void;
}

export interface Leadership {
  readonly address: string;
  /** The election revision; larger for every later leader. */
  readonly token: FencingToken;
  /** What the leader's writes and commits present to be fenced. */
  readonly fence: Fence;
}

export interface LeaderElectionOptions {
  /** The lease's time to live: how long a leader that stopped renewing it (paused, cut off) keeps its key. */
  readonly ttlSeconds: number;
}
