import type { JobExceptionsBody } from './api.js';
import { h, replace } from './dom.js';
import { formatClockTime } from './format.js';

/**
 * The job's restarts and its last failures (Flink's Exceptions tab): newest first, each with its
 * task and subtask, whether the job restarted after it, and the stack trace folded away.
 */
export function renderExceptionsPanel(panel: Element, numRestarts: number, body: JobExceptionsBody): void {
  const { entries, truncated } = body.exceptionHistory;
  const restarts = h('p', { id: 'num-restarts' }, `Restarts: ${numRestarts}`);
  if (entries.length === 0) {
    replace(panel, h('h3', {}, 'Exceptions'), restarts, h('p', { class: 'empty' }, 'No failures so far.'));
    return;
  }
  const rows = entries.map((e) => {
    const [headline, ...rest] = e.stacktrace.split('\n');
    const task = e.taskName === null ? '(job)' : `${e.taskName} (subtask ${(e.subtaskIndex ?? 0) + 1})`;
    return h(
      'tr',
      { class: 'exception' },
      h('td', {}, `${formatClockTime(e.timestamp)} UTC`),
      h('td', {}, task),
      h('td', {}, e.restarted ? 'restarted' : 'ended the job'),
      h('td', {}, h('details', {}, h('summary', {}, headline), h('pre', {}, rest.join('\n')))),
    );
  });
  replace(
    panel,
    h('h3', {}, 'Exceptions'),
    restarts,
    h(
      'table',
      { id: 'exception-history' },
      h('thead', {}, h('tr', {}, ...['Time', 'Task', 'Outcome', 'Exception'].map((t) => h('th', {}, t)))),
      h('tbody', {}, ...rows),
    ),
    truncated ? h('p', { class: 'meta' }, `Only the last ${entries.length} failures are kept.`) : null,
  );
}
