import { ClusterOverview, JobSnapshot } from '../controlplane/ClusterQueries';
import { SubtaskRates } from './JobViews';

type MetricType = 'counter' | 'gauge';
type Labels = Readonly<Record<string, string | number>>;

interface Family {
  readonly type: MetricType;
  readonly help: string;
  readonly samples: Array<{ labels: Labels; value: number }>;
}

/** Label values escape backslash, double quote and newline (Prometheus text format 0.0.4). */
export function escapeLabelValue(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

function escapeHelp(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

function formatValue(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Number.POSITIVE_INFINITY) return '+Inf';
  if (v === Number.NEGATIVE_INFINITY) return '-Inf';
  return String(v);
}

/** Metric and gauge names reduced to Prometheus' alphabet [a-zA-Z0-9_:]. */
function sanitizeName(name: string): string {
  return name.replace(/[^a-zA-Z0-9_:]/g, '_');
}

/**
 * Collects samples by metric family and renders the Prometheus text exposition format: one
 * HELP and TYPE line per family, then its samples.
 */
export class PrometheusExposition {
  private readonly families = new Map<string, Family>();

  add(name: string, type: MetricType, help: string, labels: Labels, value: number | null): this {
    if (value === null) return this;
    const key = sanitizeName(name);
    let family = this.families.get(key);
    if (!family) this.families.set(key, (family = { type, help, samples: [] }));
    family.samples.push({ labels, value });
    return this;
  }

  render(): string {
    const lines: string[] = [];
    for (const [name, f] of this.families) {
      lines.push(`# HELP ${name} ${escapeHelp(f.help)}`, `# TYPE ${name} ${f.type}`);
      for (const s of f.samples) {
        const labels = Object.entries(s.labels)
          .map(([k, v]) => `${sanitizeName(k)}="${escapeLabelValue(String(v))}"`)
          .join(',');
        lines.push(`${name}${labels ? `{${labels}}` : ''} ${formatValue(s.value)}`);
      }
    }
    return lines.length === 0 ? '' : `${lines.join('\n')}\n`;
  }
}

/** Cluster-wide gauges: TaskManagers, slots, jobs by status. */
export function exportCluster(out: PrometheusExposition, cluster: ClusterOverview): void {
  out.add('brook_jobmanager_numRegisteredTaskManagers', 'gauge', 'TaskManagers registered with the JobManager.', {}, cluster.taskManagers.length);
  out.add(
    'brook_jobmanager_taskSlotsTotal',
    'gauge',
    'Task slots of all TaskManagers.',
    {},
    cluster.taskManagers.reduce((n, t) => n + t.slots, 0),
  );
  out.add(
    'brook_jobmanager_taskSlotsAvailable',
    'gauge',
    'Free task slots.',
    {},
    cluster.taskManagers.reduce((n, t) => n + t.freeSlots, 0),
  );
  const byStatus = new Map<string, number>();
  for (const j of cluster.jobs) byStatus.set(j.status, (byStatus.get(j.status) ?? 0) + 1);
  for (const [status, n] of byStatus) out.add('brook_jobmanager_jobs', 'gauge', 'Jobs the JobManager knows, by status.', { status }, n);
}

/**
 * One job's task and operator metrics, labelled as Flink's Prometheus reporter labels them
 * (job, task, subtask index, operator). Names follow Flink's metric names.
 */
export function exportJob(out: PrometheusExposition, job: JobSnapshot, rates: ReadonlyMap<string, SubtaskRates>): void {
  const jobLabels = { job_id: job.overview.jobId, job_name: job.overview.name };
  out.add('brook_job_numRestarts', 'gauge', 'How often the job restarted after a failure (Flink: numRestarts).', jobLabels, job.numRestarts);
  for (const v of job.vertices) {
    for (const s of v.subtasks) {
      const m = s.metrics;
      if (!m) continue;
      const labels = { job_id: job.overview.jobId, job_name: job.overview.name, task_id: v.id, task_name: v.name, subtask_index: s.subtaskIndex };
      const r = rates.get(s.executionId);
      out
        .add('brook_task_numRecordsIn', 'counter', 'Records this subtask received over the network.', labels, m.numRecordsIn)
        .add('brook_task_numRecordsOut', 'counter', 'Records this subtask sent over the network.', labels, m.numRecordsOut)
        .add('brook_task_numRecordsInPerSecond', 'gauge', 'Records received per second (last seconds).', labels, r?.recordsInPerSecond ?? null)
        .add('brook_task_numRecordsOutPerSecond', 'gauge', 'Records sent per second (last seconds).', labels, r?.recordsOutPerSecond ?? null)
        .add('brook_task_numBuffersIn', 'counter', 'Network batches received.', labels, m.numBatchesIn)
        .add('brook_task_numBuffersOut', 'counter', 'Network batches sent.', labels, m.numBatchesOut)
        .add('brook_task_currentInputWatermark', 'gauge', 'The minimum watermark over the active input channels.', labels, m.currentInputWatermark)
        .add('brook_task_busyTimeMs', 'counter', 'Milliseconds spent handling mailbox messages.', labels, m.busyTimeMs)
        .add(
          'brook_task_busyTimeMsPerSecond',
          'gauge',
          'Milliseconds per second spent busy (last seconds).',
          labels,
          r?.busyRatio == null ? null : r.busyRatio * 1000,
        )
        .add('brook_task_backPressuredTimeMs', 'counter', 'Milliseconds spent unable to emit for lack of credit.', labels, m.backPressuredTimeMs)
        .add(
          'brook_task_backPressuredTimeMsPerSecond',
          'gauge',
          'Milliseconds per second spent back-pressured (last 5 s interval).',
          labels,
          m.backPressuredTimeMsPerSecond,
        )
        .add(
          'brook_task_backPressureRatio',
          'gauge',
          'Share of time back-pressured, 0..1 (Flink UI: ok <= 0.1 < low <= 0.5 < high).',
          labels,
          m.backPressureRatio,
        )
        .add('brook_task_inputQueueLength', 'gauge', 'Input messages waiting in the subtask queue.', labels, m.queuedInputMessages)
        .add('brook_task_outputQueueLength', 'gauge', 'Output batches waiting for credit.', labels, m.queuedOutputBatches);
      m.inputChannelWatermarks.forEach((c, channel) =>
        out.add('brook_task_inputChannelWatermark', 'gauge', 'The watermark of one input channel.', { ...labels, channel, status: c.status }, c.watermark),
      );
      m.operators.forEach((o, i) => {
        const ol = { ...labels, operator_name: o.operatorName, operator_index: i };
        out
          .add('brook_operator_numRecordsIn', 'counter', 'Records into this operator.', ol, o.numRecordsIn)
          .add('brook_operator_numRecordsOut', 'counter', 'Records out of this operator.', ol, o.numRecordsOut)
          .add('brook_operator_numRecordsSkipped', 'counter', 'Malformed records skipped (MalformedRecordError).', ol, o.numRecordsSkipped)
          .add('brook_operator_numLateRecordsDropped', 'counter', 'Late records dropped by a window operator.', ol, o.numLateRecordsDropped)
          .add('brook_operator_currentOutputWatermark', 'gauge', 'The last watermark this operator emitted.', ol, o.currentOutputWatermark);
        for (const [gauge, value] of Object.entries(o.gauges ?? {})) {
          out.add(`brook_operator_${gauge}`, 'gauge', `Operator gauge ${gauge}.`, ol, value);
        }
      });
    }
  }
}
