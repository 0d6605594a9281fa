import { api, ApiError, ConfigBody, JobDetailsBody, JobSummary, OverviewBody } from './api.js';
import { DagView } from './dagView.js';
import { renderExceptionsPanel } from './exceptionsPanel.js';
import { byId, h, replace } from './dom.js';
import { formatClockTime, formatDuration } from './format.js';
import { renderVertexPanel } from './vertexPanel.js';

const TERMINAL = new Set(['FINISHED', 'FAILED', 'CANCELED']);

interface State {
  config: ConfigBody | undefined;
  jobId: string | undefined;
  vertexId: string | undefined;
  /** The vertex the user clicked; otherwise one is chosen for them. */
  vertexChosen: boolean;
}

const state: State = { config: undefined, jobId: undefined, vertexId: undefined, vertexChosen: false };
let dag: DagView | undefined;

/** #/jobs/<id>[/vertices/<vid>] selects a job (and a task); the list picks one otherwise. */
function readHash(): void {
  const m = /^#\/jobs\/([0-9a-f]+)(?:\/vertices\/(\d+))?$/.exec(location.hash);
  state.jobId = m?.[1];
  state.vertexId = m?.[2];
  state.vertexChosen = m?.[2] !== undefined;
}

function select(jobId: string, vertexId?: string): void {
  location.hash = vertexId ? `#/jobs/${jobId}/vertices/${vertexId}` : `#/jobs/${jobId}`;
}

function renderOverview(o: OverviewBody): void {
  replace(
    byId('cluster'),
    h('span', {}, `TaskManagers: ${o.taskmanagers}`),
    h('span', {}, `Slots: ${o['slots-total'] - o['slots-available']} used, ${o['slots-available']} free of ${o['slots-total']}`),
    h('span', {}, `Jobs: ${o['jobs-running']} running, ${o['jobs-finished']} finished, ${o['jobs-cancelled']} cancelled, ${o['jobs-failed']} failed`),
  );
}

function renderJobList(jobs: readonly JobSummary[]): void {
  const body = jobs.map((j) =>
    h(
      'tr',
      { class: j.jid === state.jobId ? 'selected' : undefined, 'data-job-id': j.jid },
      h('td', {}, h('a', { href: `#/jobs/${j.jid}` }, j.name)),
      h('td', { class: `state state-${j.state.toLowerCase()}` }, j.state),
      h('td', {}, formatClockTime(j['start-time'])),
      h('td', {}, formatDuration(j.duration)),
      h('td', { class: 'num' }, `${j.tasks.running} / ${j.tasks.total}`),
      h('td', { class: 'job-id' }, j.jid),
    ),
  );
  replace(
    byId('job-list'),
    jobs.length === 0
      ? h('p', { class: 'empty' }, 'No jobs yet.')
      : h(
          'table',
          {},
          h('thead', {}, h('tr', {}, ...['Job', 'Status', 'Started (UTC)', 'Duration', 'Subtasks running', 'Id'].map((t) => h('th', {}, t)))),
          h('tbody', {}, ...body),
        ),
  );
}

function renderJobHeader(job: JobDetailsBody): void {
  const canCancel = state.config?.features['web-cancel'] && !TERMINAL.has(job.state);
  const cancel = canCancel ? h('button', { type: 'button', id: 'cancel-job' }, 'Cancel job') : null;
  cancel?.addEventListener('click', () => {
    if (!confirm(`Cancel job '${job.name}'?`)) return;
    api.cancel(job.jid).catch((e: unknown) => showError(describeError(e)));
  });
  const canSavepoint = state.config?.features['web-savepoint'] && job.state === 'RUNNING';
  const savepoint = canSavepoint ? h('button', { type: 'button', id: 'savepoint-job' }, 'Savepoint') : null;
  savepoint?.addEventListener('click', () => {
    const directory = prompt("Directory for the savepoint (empty: the job's default)", '');
    if (directory === null) return;
    void takeSavepoint(job.jid, directory.trim() || undefined);
  });
  replace(
    byId('job-header'),
    h('h2', {}, h('span', { id: 'job-name' }, job.name), ' ', h('span', { class: `badge state-${job.state.toLowerCase()}`, id: 'job-state' }, job.state)),
    h(
      'p',
      { class: 'meta' },
      `Id ${job.jid} · started ${formatClockTime(job['start-time'])} UTC · running for ${formatDuration(job.duration)}`,
      ' ',
      cancel,
      ' ',
      savepoint,
    ),
    savepointMessage ? h('p', { class: 'meta', id: 'savepoint-status' }, savepointMessage) : null,
    job['failure-cause'] ? h('p', { class: 'failure' }, job['failure-cause']) : null,
  );
}

let savepointMessage = '';

/** Triggers a savepoint and follows the operation until it completes (Flink's async operation). */
async function takeSavepoint(jobId: string, directory: string | undefined): Promise<void> {
  try {
    const { 'request-id': trigger } = await api.savepoint(jobId, directory);
    savepointMessage = 'Savepoint in progress…';
    for (;;) {
      const s = await api.savepointStatus(jobId, trigger);
      if (s.status.id === 'COMPLETED') {
        const op = s.operation;
        savepointMessage =
          op && 'location' in op ? `Savepoint taken: ${op.location}` : `Savepoint failed: ${op?.['failure-cause']['stack-trace'] ?? 'unknown'}`;
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  } catch (e) {
    savepointMessage = `Savepoint failed: ${describeError(e)}`;
  }
}

/** Jobs known to have no checkpointing (it cannot be switched on while a job runs). */
const withoutCheckpoints = new Set<string>();

async function renderCheckpoints(jobId: string): Promise<void> {
  const panel = byId('checkpoints');
  if (withoutCheckpoints.has(jobId)) {
    replace(panel, h('h3', {}, 'Checkpoints'), h('p', { class: 'empty' }, 'Checkpointing is not enabled for this job.'));
    return;
  }
  try {
    const c = await api.checkpoints(jobId);
    const latest = c.latest.completed;
    replace(
      panel,
      h('h3', {}, 'Checkpoints'),
      h('p', {}, `${c.counts.completed} completed, ${c.counts.in_progress} in progress, ${c.counts.failed} failed, ${c.counts.restored} restored`),
      latest ? h('p', {}, `Latest: #${latest.id}, ${latest.state_size} bytes, ${latest.end_to_end_duration} ms end to end`) : null,
    );
  } catch (e) {
    if (!(e instanceof ApiError && e.status === 404)) throw e;
    withoutCheckpoints.add(jobId);
    replace(panel, h('h3', {}, 'Checkpoints'), h('p', { class: 'empty' }, 'Checkpointing is not enabled for this job.'));
  }
}

function showError(message: string | undefined): void {
  const bar = byId('error');
  bar.hidden = message === undefined;
  bar.textContent = message ?? '';
}

/** The task to show when none was clicked: a window held back, else the last task. */
function defaultVertex(job: JobDetailsBody): string | undefined {
  return (job.vertices.find((v) => v.metrics['window-held-back']) ?? job.vertices[job.vertices.length - 1])?.id;
}

async function refresh(): Promise<void> {
  const [overview, jobs] = await Promise.all([api.overview(), api.jobs()]);
  renderOverview(overview);
  if (!state.jobId && jobs.jobs.length > 0) {
    state.jobId = (jobs.jobs.find((j) => !TERMINAL.has(j.state)) ?? jobs.jobs[0]).jid;
  }
  renderJobList(jobs.jobs);
  const jobSection = byId('job');
  if (!state.jobId) {
    jobSection.hidden = true;
    return;
  }
  const job = await api.job(state.jobId);
  jobSection.hidden = false;
  renderJobHeader(job);
  if (!state.vertexChosen) state.vertexId = defaultVertex(job);
  dag ??= new DagView(byId('dag'), (vid) => select(job.jid, vid));
  dag.render(job, state.vertexId);
  if (state.vertexId) renderVertexPanel(byId('vertex'), await api.vertex(job.jid, state.vertexId));
  await renderCheckpoints(job.jid);
  renderExceptionsPanel(byId('exceptions'), job['num-restarts'], await api.exceptions(job.jid));
  byId('updated').textContent = `updated ${new Date().toLocaleTimeString()}`;
}

function describeError(e: unknown): string {
  if (e instanceof ApiError) return `The brook REST API answered: ${e.message}`;
  if (e instanceof TypeError && /fetch/i.test(e.message)) return `Cannot reach the brook REST API (${e.message}): has the job's process ended?`;
  return `Dashboard error: ${(e as Error).message}`;
}

async function loop(): Promise<void> {
  try {
    await refresh();
    showError(undefined);
  } catch (e) {
    showError(describeError(e));
  }
  setTimeout(() => void loop(), state.config?.['refresh-interval'] ?? 1000);
}

async function main(): Promise<void> {
  readHash();
  window.addEventListener('hashchange', () => {
    readHash();
    void refresh().catch((e: unknown) => showError(describeError(e)));
  });
  try {
    state.config = await api.config();
    byId('version').textContent = `brook ${state.config['brook-version']}`;
  } catch (e) {
    showError(describeError(e));
  }
  await loop();
}

void main();
