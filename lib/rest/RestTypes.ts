/**
 * The JSON bodies of brook's REST API. Routes and field names follow Flink's REST API where
 * Flink has them (kebab-case: "start-time", "read-records"); brook's additions use the same
 * style. Shared, as types only, by the server and the dashboard.
 *
 * Times are milliseconds on the cluster's clock. Watermarks are event-time milliseconds, with
 * brook's extremes: -9007199254740991 (Number.MIN_SAFE_INTEGER) = no watermark yet,
 * 9007199254740991 (Number.MAX_SAFE_INTEGER) = end of input.
 */

export type JobState = 'INITIALIZING' | 'CREATED' | 'RUNNING' | 'FAILING' | 'FAILED' | 'CANCELLING' | 'CANCELED' | 'FINISHED' | 'RESTARTING';
export type SubtaskState = 'CREATED' | 'DEPLOYING' | 'RUNNING' | 'FINISHED' | 'CANCELING' | 'CANCELED' | 'FAILED';
export type ShipStrategyName = 'FORWARD' | 'REBALANCE' | 'RESCALE' | 'BROADCAST' | 'SHUFFLE' | 'GLOBAL' | 'HASH' | 'CUSTOM';
/** Flink's back-pressure levels: ok up to 10 % of the time back-pressured, low up to 50 %, then high. */
export type BackPressureLevel = 'ok' | 'low' | 'high';

/** Every error answer: `{"errors": ["..."]}`, as Flink's. */
export interface ErrorBody {
  readonly errors: readonly string[];
}

/** GET /config: what the dashboard needs to know about the server. */
export interface ConfigBody {
  readonly 'refresh-interval': number;
  readonly 'brook-version': string;
  readonly features: { readonly 'web-cancel': boolean; readonly 'web-savepoint': boolean };
}

/** GET /overview */
export interface OverviewBody {
  readonly taskmanagers: number;
  readonly 'slots-total': number;
  readonly 'slots-available': number;
  readonly 'jobs-running': number;
  readonly 'jobs-finished': number;
  readonly 'jobs-cancelled': number;
  readonly 'jobs-failed': number;
  readonly 'brook-version': string;
}

/** Subtasks per state, lower-case as in Flink's "tasks" objects. */
export interface TaskCounts {
  readonly total: number;
  readonly created: number;
  readonly deploying: number;
  readonly running: number;
  readonly finished: number;
  readonly canceling: number;
  readonly canceled: number;
  readonly failed: number;
}

/** GET /jobs */
export interface JobIdsBody {
  readonly jobs: ReadonlyArray<{ readonly id: string; readonly status: JobState }>;
}

export interface JobSummary {
  readonly jid: string;
  readonly name: string;
  readonly state: JobState;
  readonly 'start-time': number;
  /** -1 while the job runs. */
  readonly 'end-time': number;
  readonly duration: number;
  readonly tasks: TaskCounts;
}

/** GET /jobs/overview */
export interface JobsOverviewBody {
  readonly jobs: readonly JobSummary[];
}

export interface VertexMetrics {
  readonly 'read-records': number;
  readonly 'write-records': number;
  /** Over the last few seconds of samples; null until two samples exist. */
  readonly 'read-records-per-second': number | null;
  readonly 'write-records-per-second': number | null;
  /** The lowest input watermark over the subtasks (Flink's "low watermark"). */
  readonly 'current-input-watermark': number;
  readonly 'current-output-watermark': number;
  readonly 'records-skipped': number;
  readonly 'late-records-dropped': number;
  /** The highest over the subtasks. */
  readonly 'backpressure-ratio': number | null;
  readonly 'backpressure-level': BackPressureLevel | null;
  /** The highest over the subtasks of the share of time spent handling messages (Flink's busy time), 0..1; null until two samples. */
  readonly 'busy-ratio': number | null;
  /** Some subtask has a window that is not open any more but waits: held back, no watermark, or idle inputs. */
  readonly 'window-held-back': boolean;
}

export interface VertexSummary {
  readonly id: string;
  readonly name: string;
  readonly parallelism: number;
  readonly maxParallelism: number;
  readonly status: SubtaskState;
  readonly tasks: TaskCounts;
  readonly metrics: VertexMetrics;
}

/** The plan the dashboard draws: tasks with their inputs and ship strategies (Flink's /jobs/:id/plan). */
export interface JobPlanBody {
  readonly plan: {
    readonly jid: string;
    readonly name: string;
    readonly type: 'STREAMING';
    readonly nodes: ReadonlyArray<{
      readonly id: string;
      readonly parallelism: number;
      readonly operator: string;
      readonly operator_strategy: string;
      readonly description: string;
      readonly inputs?: ReadonlyArray<{
        readonly num: number;
        readonly id: string;
        readonly ship_strategy: ShipStrategyName;
        readonly exchange: string;
        readonly side_output?: string;
      }>;
      readonly optimizer_properties: Record<string, never>;
    }>;
  };
}

/** GET /jobs/:id */
export interface JobDetailsBody extends JobSummary, JobPlanBody {
  readonly now: number;
  /** Whether the job checkpoints (brook's addition: without it, /checkpoints answers 404). */
  readonly checkpointing: boolean;
  readonly 'failure-cause': string | null;
  /** How often the job restarted (Flink's job metric numRestarts). */
  readonly 'num-restarts': number;
  /** The job's watermark: the lowest its ends (sinks) received (brook's addition). */
  readonly watermark: number;
  readonly vertices: readonly VertexSummary[];
  readonly 'status-counts': Readonly<Record<SubtaskState, number>>;
}

export interface ChannelWatermark {
  readonly channel: number;
  readonly watermark: number;
  readonly status: 'ACTIVE' | 'IDLE';
  readonly 'producer-vertex': string;
  readonly 'producer-name': string;
  readonly 'producer-subtask': number;
}

/**
 * Why a window operator's next timer has not fired:
 * - `open`: no input channel has reached the window's end yet: the window is still open in event time;
 * - `held-back`: some input channel is past the window's end, but the watermark is the minimum
 *   over the active channels and others lag behind: without them the window would have fired;
 * - `no-watermark`: a channel at the minimum has sent no watermark at all (no records there, or
 *   no watermark strategy upstream);
 * - `idle`: every input channel is idle, so the watermark does not move.
 */
export type WindowWaitKind = 'open' | 'held-back' | 'no-watermark' | 'idle';

/**
 * "Why does my window not fire?": a window operator has a timer (a window end) the watermark
 * has not reached, and these input channels hold the watermark where it is.
 */
export interface WindowWait {
  readonly kind: WindowWaitKind;
  readonly operator: string;
  /** The earliest event-time timer: the watermark must reach it for the window to fire. */
  readonly 'next-timer': number;
  readonly 'pending-timers': number;
  /** The operator's current watermark (the minimum over the active input channels). */
  readonly watermark: number;
  /** The active channels at that minimum (several when tied). Empty when every channel is idle. */
  readonly 'held-back-by': readonly ChannelWatermark[];
  readonly 'idle-channels': readonly number[];
  readonly reason: string;
}

export interface OperatorDetails {
  readonly name: string;
  readonly 'records-in': number;
  readonly 'records-out': number;
  readonly 'records-skipped': number;
  readonly 'late-records-dropped': number;
  readonly 'current-output-watermark': number;
  readonly gauges: Readonly<Record<string, number | null>>;
}

export interface SubtaskDetails {
  readonly subtask: number;
  readonly status: SubtaskState;
  readonly attempt: number;
  readonly 'taskmanager-id': string;
  /** The host of that TaskManager (Flink's "host"); null while the subtask is not placed on a known one. */
  readonly host: string | null;
  /** Its TaskManager's path: host:port, 'in process' or 'thread N' (Flink's "endpoint"). */
  readonly endpoint: string | null;
  readonly metrics: {
    readonly 'read-records': number;
    readonly 'write-records': number;
    readonly 'read-batches': number;
    readonly 'write-batches': number;
    readonly 'read-records-per-second': number | null;
    readonly 'write-records-per-second': number | null;
    /** Share of the time spent handling messages, 0..1; null until two samples. */
    readonly 'busy-ratio': number | null;
    readonly 'records-skipped': number;
    readonly 'late-records-dropped': number;
    /** Input messages waiting in the subtask's queue, and output batches waiting for credit. */
    readonly 'queued-input-messages': number;
    readonly 'queued-output-batches': number;
  } | null;
  readonly watermarks: {
    readonly input: number;
    readonly output: number;
    readonly channels: readonly ChannelWatermark[];
  } | null;
  readonly backpressure: {
    /** Share of time spent unable to emit for lack of credit (0..1), over the last complete 5 s interval. */
    readonly ratio: number | null;
    readonly level: BackPressureLevel | null;
    readonly 'back-pressured-time-ms': number;
  } | null;
  readonly operators: readonly OperatorDetails[];
  readonly 'window-wait': WindowWait | null;
}

/** GET /jobs/:id/vertices/:vid */
export interface VertexDetailsBody {
  readonly id: string;
  readonly name: string;
  readonly parallelism: number;
  readonly now: number;
  readonly subtasks: readonly SubtaskDetails[];
}

export interface CheckpointDetails {
  readonly id: number;
  readonly status: 'IN_PROGRESS' | 'COMPLETED' | 'FAILED';
  readonly is_savepoint: boolean;
  readonly trigger_timestamp: number;
  readonly latest_ack_timestamp: number;
  readonly end_to_end_duration: number;
  readonly state_size: number;
  readonly num_subtasks: number;
  readonly num_acknowledged_subtasks: number;
  /**
   * brook's addition (Flink gives these per subtask): the longest over the subtasks of the
   * barrier alignment, the synchronous and the asynchronous part of the snapshot, in ms; 0 for a
   * failed checkpoint.
   */
  readonly max_alignment_duration: number;
  readonly max_sync_duration: number;
  readonly max_async_duration: number;
  readonly failure_message?: string;
}

export interface MinMaxAvg {
  readonly min: number;
  readonly max: number;
  readonly avg: number;
}

/** GET /jobs/:id/checkpoints (Flink's CheckpointingStatistics). */
export interface CheckpointsBody {
  readonly counts: { readonly restored: number; readonly total: number; readonly in_progress: number; readonly completed: number; readonly failed: number };
  readonly summary: { readonly state_size: MinMaxAvg; readonly end_to_end_duration: MinMaxAvg };
  readonly latest: {
    readonly completed: CheckpointDetails | null;
    readonly savepoint: CheckpointDetails | null;
    readonly failed: CheckpointDetails | null;
    readonly restored: { readonly id: number; readonly restore_timestamp: number; readonly is_savepoint: boolean } | null;
  };
  readonly history: readonly CheckpointDetails[];
}

/** One TaskManager in GET /taskmanagers (Flink's TaskManagerInfo; camelCase, as Flink's). */
export interface TaskManagerInfo {
  /** `taskmanager-N`, as subtasks name it in 'taskmanager-id'. */
  readonly id: string;
  /** host:port of a TaskManager process; 'in process' or 'thread N' inside the JobManager's process. */
  readonly path: string;
  readonly host: string;
  /** Where other TaskManagers send it channel data; -1 inside one process (channels stay in memory). */
  readonly dataPort: number;
  /**
   * Despite Flink's name, the time of the last heartbeat the JobManager heard (ms on the cluster's
   * clock), as Flink's; the answer's time for a TaskManager in the JobManager's process, which
   * sends none.
   */
  readonly timeSinceLastHeartbeat: number;
  readonly slotsNumber: number;
  readonly freeSlots: number;
}

/** GET /taskmanagers (Flink's TaskManagersInfo). */
export interface TaskManagersBody {
  /** brook: the cluster's clock when the JobManager answered, to age the heartbeats. */
  readonly now: number;
  readonly taskmanagers: readonly TaskManagerInfo[];
}

/** GET /taskmanagers/:id (Flink's TaskManagerDetailsInfo, without the JVM metrics). */
export interface TaskManagerDetailsBody extends TaskManagerInfo {
  /** The cluster's clock when the JobManager answered, to age the heartbeat. */
  readonly now: number;
  /** brook: the slots each running job holds on it. */
  readonly jobs: ReadonlyArray<{ readonly jid: string; readonly slots: number }>;
}

/** POST /jobs/:id/savepoints and POST /jobs/:id/stop answer with the id of the operation (Flink's TriggerResponse). */
export interface TriggerBody {
  readonly 'request-id': string;
}

/** GET /jobs/:id/savepoints/:triggerId (Flink's AsynchronousOperationResult). */
export interface SavepointStatusBody {
  readonly status: { readonly id: 'IN_PROGRESS' | 'COMPLETED' };
  readonly operation?: { readonly location: string } | { readonly 'failure-cause': { readonly class: string; readonly 'stack-trace': string } };
}

/** One failure in GET /jobs/:id/exceptions (Flink's JobExceptionsInfoWithHistory.ExceptionInfo). */
export interface ExceptionInfo {
  readonly exceptionName: string;
  readonly stacktrace: string;
  readonly timestamp: number;
  /** The failed task's name; null for a job-level failure (checkpoints, restore). */
  readonly taskName: string | null;
  /** brook: the failed subtask's index (0-based), next to its task's name. */
  readonly subtaskIndex: number | null;
  /** Where the subtask ran: brook has no host and port, so the TaskManager (`taskmanager-1`). */
  readonly location: string | null;
  readonly endpoint: string | null;
  readonly taskManagerId: string | null;
  readonly failureLabels: Readonly<Record<string, string>>;
  /** brook: whether the job restarted after this failure (false: it ended the job). */
  readonly restarted: boolean;
}

/** A failure that caused a restart or ended the job; brook does not collect concurrent ones. */
export interface RootExceptionInfo extends ExceptionInfo {
  readonly concurrentExceptions: readonly ExceptionInfo[];
}

/** Flink's legacy fields, kept for clients that read them. */
export interface LegacyExceptionInfo {
  readonly exception: string;
  readonly task: string;
  readonly location: string;
  readonly timestamp: number;
  readonly taskManagerId: string;
}

/** GET /jobs/:id/exceptions (Flink's JobExceptionsInfoWithHistory). */
export interface JobExceptionsBody {
  /** The newest failure's stack trace; null when the job never failed. */
  readonly 'root-exception': string | null;
  readonly timestamp: number | null;
  readonly 'all-exceptions': readonly LegacyExceptionInfo[];
  readonly truncated: boolean;
  /** Newest first, at most 16 (Flink's web.exception-history-size default). */
  readonly exceptionHistory: { readonly entries: readonly RootExceptionInfo[]; readonly truncated: boolean };
}
