import type { TaskManagersBody } from './api.js';
import { h, replace } from './dom.js';
import { formatTime } from './format.js';

/** How long ago, from the cluster's clock: "0.4 s ago", "12 s ago", "3 min ago". */
function formatAge(ms: number): string {
  const age = Math.max(0, ms);
  if (age < 10_000) return `${(age / 1000).toFixed(1)} s ago`;
  if (age < 120_000) return `${Math.round(age / 1000)} s ago`;
  return `${Math.round(age / 60_000)} min ago`;
}

/**
 * The TaskManagers that offer slots (Flink's Task Managers page): where each runs, its slots in
 * use and free, and how long ago its last heartbeat arrived. One inside the JobManager's process
 * (dataPort -1) sends none: it lives as long as the process, so its age is always 0.
 */
export function renderTaskManagers(panel: Element, body: TaskManagersBody): void {
  if (body.taskmanagers.length === 0) {
    replace(panel, h('p', { class: 'empty' }, 'No TaskManager offers slots.'));
    return;
  }
  const rows = body.taskmanagers.map((tm) => {
    const inProcess = tm.dataPort < 0;
    const age = body.now - tm.timeSinceLastHeartbeat;
    return h(
      'tr',
      { 'data-taskmanager': tm.id },
      h('td', {}, tm.id),
      h('td', { title: inProcess ? 'inside the JobManager process' : `data port ${tm.dataPort}` }, tm.host, inProcess ? ` (${tm.path})` : `:${tm.dataPort}`),
      h('td', { class: 'num' }, `${tm.slotsNumber - tm.freeSlots} / ${tm.slotsNumber}`),
      h('td', { class: 'num' }, tm.freeSlots),
      h(
        'td',
        {
          class: 'num',
          'data-heartbeat-age': age,
          title: inProcess ? 'no heartbeat: it runs inside the JobManager process' : `${formatTime(tm.timeSinceLastHeartbeat)} UTC`,
        },
        inProcess ? '– (in process)' : formatAge(age),
      ),
    );
  });
  replace(
    panel,
    h('table', {}, h('thead', {}, h('tr', {}, ...['Id', 'Host', 'Slots used', 'Free', 'Last heartbeat'].map((t) => h('th', {}, t)))), h('tbody', {}, ...rows)),
  );
}
