import { api, ApiError, ConfigBody, JobDetailsBody, JobSummary, OverviewBody } from './api.js';
import { JobCharts } from './charts.js';
import { DagView } from './dagView.js';
import { renderExceptionsPanel } from './exceptionsPanel.js';
import { byId, h, replace } from './dom.js';
import { formatClockTime, formatDuration, formatTime } from './format.js';
import { renderTaskManagers } from './taskManagersPanel.js';
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
let charts: JobCharts | undefined;
/** The last answer about the selected job, shown as it was once the REST API cannot be reached. */
let lastJob: JobDetailsBody | undefined;

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

/**
 * The job's name, state and actions. `unreachable`: the REST API stopped answering (the brook
 * process ended): the last known state stays, marked as such, and no action is offered.
 */
function renderJobHeader(job: JobDetailsBody, unreachable = false): void {
  const canCancel = !unreachable && state.config?.features['web-cancel'] && !TERMINAL.has(job.state);
  const cancel = canCancel ? h('button', { type: 'button', id: 'cancel-job' }, 'Cancel job') : null;
  cancel?.addEventListener('click', () => {
    if (!confirm(`Cancel job '${job.name}'?`)) return;
    api.cancel(job.jid).catch((e: unknown) => showError(describeError(e)));
  });
  // A savepoint is a checkpoint: only a job that checkpoints can take one.
  const canSavepoint = !unreachable && state.config?.features['web-savepoint'] && job.checkpointing && job.state === 'RUNNING';
  const savepoint = canSavepoint ? h('button', { type: 'button', id: 'savepoint-job' }, 'Savepoint') : null;
  savepoint?.addEventListener('click', () => askForSavepoint(job.jid));
  replace(
    byId('job-header'),
    h('h2', {}, h('span', { id: 'job-name' }, job.name), ' ', h('span', { class: `badge state-${job.state.toLowerCase()}`, id: 'job-state' }, job.state)),
    unreachable
      ? h(
          'p',
          { class: 'ended', id: 'process-ended' },
          `The brook process serving this page has ended: this is the job as it was last seen, at ${formatTime(job.now)} UTC.`,
        )
      : null,
    h(
      'p',
      { class: 'meta' },
      TERMINAL.has(job.state)
        ? `Id ${job.jid} · started ${formatClockTime(job['start-time'])} UTC · ended ${formatClockTime(job['end-time'])} UTC after ${formatDuration(job.duration)}`
        : `Id ${job.jid} · started ${formatClockTime(job['start-time'])} UTC · running for ${formatDuration(job.duration)}`,
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

/** Asks for the savepoint's directory in the page (a dialog), then takes it. */
function askForSavepoint(jobId: string): void {
  const dialog = byId<HTMLDialogElement>('savepoint-dialog');
  const input = byId<HTMLInputElement>('savepoint-directory');
  input.value = '';
  dialog.onclose = () => {
    if (dialog.returnValue !== 'take') return;
    void takeSavepoint(jobId, input.value.trim() || undefined);
  };
  dialog.returnValue = '';
  dialog.showModal();
  input.focus();
}

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

async function renderCheckpoints(job: JobDetailsBody): Promise<void> {
  const panel = byId('checkpoints');
  // The job says whether it checkpoints: a job without checkpoints is never asked (its
  // /checkpoints answers 404, which the browser would log as an error on every refresh).
  if (!job.checkpointing) {
    replace(panel, h('h3', {}, 'Checkpoints'), h('p', { class: 'empty' }, 'Checkpointing is not enabled for this job.'));
    return;
  }
  const c = await api.checkpoints(job.jid);
  const latest = c.latest.completed;
  replace(
    panel,
    h('h3', {}, 'Checkpoints'),
    h('p', {}, `${c.counts.completed} completed, ${c.counts.in_progress} in progress, ${c.counts.failed} failed, ${c.counts.restored} restored`),
    latest ? h('p', {}, `Latest: #${latest.id}, ${latest.state_size} bytes, ${latest.end_to_end_duration} ms end to end`) : null,
  );
}

/** A #/jobs/<id> this server does not know (a link from another run, a typo). */
function renderUnknownJob(jobId: string): void {
  byId('job').hidden = true;
  const section = byId('no-job');
  section.hidden = false;
  replace(
    section,
    h('h2', {}, 'No such job'),
    h('p', { id: 'unknown-job' }, `This brook server has no job with id ${jobId}. `, h('a', { href: '#/' }, 'Show its jobs'), '.'),
  );
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
  const [overview, jobs, taskManagers] = await Promise.all([api.overview(), api.jobs(), api.taskManagers()]);
  renderOverview(overview);
  renderTaskManagers(byId('taskmanager-list'), taskManagers);
  if (!state.jobId && jobs.jobs.length > 0) {
    state.jobId = (jobs.jobs.find((j) => !TERMINAL.has(j.state)) ?? jobs.jobs[0]).jid;
  }
  renderJobList(jobs.jobs);
  const jobSection = byId('job');
  if (!state.jobId) {
    jobSection.hidden = true;
    byId('no-job').hidden = true;
    return;
  }
  if (!jobs.jobs.some((j) => j.jid === state.jobId)) {
    renderUnknownJob(state.jobId);
    return;
  }
  byId('no-job').hidden = true;
  const job = await api.job(state.jobId);
  lastJob = job;
  jobSection.hidden = false;
  renderJobHeader(job);
  if (!state.vertexChosen || !job.vertices.some((v) => v.id === state.vertexId)) state.vertexId = defaultVertex(job);
  dag ??= new DagView(byId('dag'), (vid) => select(job.jid, vid));
  dag.render(job, state.vertexId);
  charts ??= new JobCharts(byId('charts'));
  charts.update(job);
  if (state.vertexId) renderVertexPanel(byId('vertex'), await api.vertex(job.jid, state.vertexId));
  await renderCheckpoints(job);
  renderExceptionsPanel(byId('exceptions'), job['num-restarts'], await api.exceptions(job.jid));
  byId('updated').textContent = `updated ${formatTime(job.now)} UTC`;
}

function unreachable(e: unknown): boolean {
  return e instanceof TypeError && /fetch/i.test(e.message);
}

function describeError(e: unknown): string {
  if (e instanceof ApiError) return `The brook REST API answered: ${e.message}`;
  if (unreachable(e)) return `Cannot reach the brook REST API (${(e as Error).message}): has the job's process ended?`;
  return `Dashboard error: ${(e as Error).message}`;
}

async function loop(): Promise<void> {
  try {
    await refresh();
    showError(undefined);
  } catch (e) {
    // The process ended: keep the job as it was last seen, marked so, without actions.
    if (unreachable(e) && lastJob && lastJob.jid === state.jobId) renderJobHeader(lastJob, true);
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
