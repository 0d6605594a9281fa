import type { ChannelWatermark, SubtaskDetails, VertexDetailsBody, WindowWait } from './api.js';
import { h, replace } from './dom.js';
import { eventTimeTitle, formatCount, formatEventTime, formatRate, formatRatio } from './format.js';

function watermarkCell(t: number | undefined): HTMLTableCellElement {
  if (t === undefined) return h('td', {}, '–');
  return h('td', { title: eventTimeTitle(t), 'data-value': t }, formatEventTime(t));
}

function channelName(c: { channel: number }): string {
  return `input channel ${c.channel}`;
}

function producer(c: ChannelWatermark): string {
  return `Task ${c['producer-vertex']} subtask ${c['producer-subtask']}`;
}

function channels(list: readonly ChannelWatermark[]): Array<Node | string> {
  return list.flatMap((c, i) => [i > 0 ? ', ' : '', h('strong', { class: 'channel', title: c['producer-name'] }, channelName(c)), ` (from ${producer(c)})`]);
}

/** "Why does my window not fire?", in words, from the structured answer of the REST API. */
function windowWaitItem(subtask: number, wait: WindowWait, channelCount: number): HTMLLIElement {
  const held = wait['held-back-by'];
  const at = (t: number): HTMLElement => h('strong', { title: eventTimeTitle(t) }, formatEventTime(t));
  let why: Array<Node | string>;
  switch (wait.kind) {
    case 'idle':
      why = ['every input channel is idle, so the watermark does not move until one becomes active again.'];
      break;
    case 'no-watermark':
      why = [
        'it is the minimum over the active input channels, and ',
        ...channels(held),
        held.length > 1 ? ' have' : ' has',
        ' sent ',
        h('em', {}, 'no watermark yet'),
        ' (no records there, or no watermark strategy upstream). ',
        h(
          'span',
          { class: 'idleness-hint' },
          'If that input can stay without records (a source split or partition with no data), give its watermark strategy ',
          h('code', {}, 'withIdleness(…)'),
          ': once it is idle, the other channels move the watermark on.',
        ),
      ];
      break;
    case 'held-back':
      why = [
        'other input channels are past the window end, but the watermark is the minimum over the active channels: it is held back by ',
        ...channels(held),
        ' at ',
        at(held[0]?.watermark ?? wait.watermark),
        '.',
      ];
      break;
    case 'open':
      why =
        held.length === channelCount
          ? ['the window is still open: every input channel is there, none has reached its end yet.']
          : ['the window is still open: no input channel has reached its end yet (the lowest: ', ...channels(held), ').'];
      break;
  }
  return h(
    'li',
    { 'data-subtask': subtask, 'data-kind': wait.kind, class: wait.kind, title: wait.reason },
    h('strong', {}, `Subtask ${subtask}: `),
    'the window fires when the watermark reaches ',
    at(wait['next-timer']),
    ` (${wait['pending-timers']} timer${wait['pending-timers'] === 1 ? '' : 's'} pending); the watermark is `,
    at(wait.watermark),
    ': ',
    ...why,
  );
}

function subtaskRow(s: SubtaskDetails): HTMLTableRowElement {
  const m = s.metrics;
  const bp = s.backpressure;
  return h(
    'tr',
    { 'data-subtask': s.subtask, class: s['window-wait'] && s['window-wait'].kind !== 'open' ? 'waiting' : undefined },
    h('td', {}, s.subtask),
    h('td', { class: `state state-${s.status.toLowerCase()}` }, s.status),
    h(
      'td',
      { 'data-taskmanager': s['taskmanager-id'], title: s.host ? `on host ${s.host}` : undefined },
      s.endpoint ? `${s['taskmanager-id']} · ${s.endpoint}` : s['taskmanager-id'],
    ),
    h('td', { class: 'num', 'data-metric': 'read-records', 'data-value': m?.['read-records'] }, m ? formatCount(m['read-records']) : '–'),
    h('td', { class: 'num' }, m ? formatRate(m['read-records-per-second']) : '–'),
    h('td', { class: 'num', 'data-metric': 'write-records', 'data-value': m?.['write-records'] }, m ? formatCount(m['write-records']) : '–'),
    h('td', { class: 'num' }, m ? formatRate(m['write-records-per-second']) : '–'),
    watermarkCell(s.watermarks?.input),
    watermarkCell(s.watermarks?.output),
    h('td', { class: 'num' }, m ? formatCount(m['late-records-dropped']) : '–'),
    h('td', { class: 'num' }, m ? formatCount(m['records-skipped']) : '–'),
    h('td', { class: `backpressure-${bp?.level ?? 'unknown'}` }, bp?.level ? `${bp.level.toUpperCase()} ${formatRatio(bp.ratio)}` : '–'),
    h(
      'td',
      { class: 'num', title: 'input messages queued / output batches waiting for credit' },
      m ? `${m['queued-input-messages']} / ${m['queued-output-batches']}` : '–',
    ),
  );
}

function channelTable(s: SubtaskDetails): HTMLElement | null {
  const channels = s.watermarks?.channels ?? [];
  if (channels.length === 0) return null;
  // An open window is not held back by anyone: mark channels only when the window should have fired.
  const wait = s['window-wait'];
  const held = new Set(wait && wait.kind !== 'open' ? wait['held-back-by'].map((c) => c.channel) : []);
  return h(
    'div',
    { class: 'channels', 'data-subtask': s.subtask },
    h('h4', {}, `Subtask ${s.subtask}: input channels`),
    h(
      'table',
      {},
      h('thead', {}, h('tr', {}, h('th', {}, 'Channel'), h('th', {}, 'From'), h('th', {}, 'Watermark'), h('th', {}, 'Status'), h('th', {}, ''))),
      h(
        'tbody',
        {},
        ...channels.map((c) =>
          h(
            'tr',
            { class: held.has(c.channel) ? 'holds-back' : undefined, 'data-channel': c.channel },
            h('td', {}, c.channel),
            h('td', { title: c['producer-name'] }, producer(c)),
            watermarkCell(c.watermark),
            h('td', {}, c.status),
            h('td', { class: 'holds' }, held.has(c.channel) ? 'holds the watermark' : ''),
          ),
        ),
      ),
    ),
  );
}

/** The selected task: per-subtask metrics, watermarks per input channel, and waiting windows. */
export function renderVertexPanel(container: HTMLElement, v: VertexDetailsBody): void {
  // Windows held back first: they are the answer to "why does my window not fire?".
  const waits = v.subtasks
    .filter((s) => s['window-wait'] !== null)
    .sort((a, b) => Number(a['window-wait']!.kind === 'open') - Number(b['window-wait']!.kind === 'open'));
  replace(
    container,
    h('h2', {}, `Task ${v.id}: `, h('span', { class: 'task-name' }, v.name), ` (parallelism ${v.parallelism})`),
    waits.length > 0
      ? h(
          'section',
          { class: waits.every((s) => s['window-wait']!.kind === 'open') ? 'why all-open' : 'why', id: 'window-wait' },
          h('h3', {}, waits.every((s) => s['window-wait']!.kind === 'open') ? 'Windows waiting for the watermark' : 'Why does my window not fire?'),
          h('p', { class: 'operator' }, waits[0]['window-wait']!.operator),
          h('ul', {}, ...waits.map((s) => windowWaitItem(s.subtask, s['window-wait']!, s.watermarks?.channels.length ?? 0))),
        )
      : null,
    h(
      'table',
      { class: 'subtasks' },
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          ...[
            'Subtask',
            'Status',
            'TaskManager',
            'Records in',
            'In/s',
            'Records out',
            'Out/s',
            'Watermark in',
            'Watermark out',
            'Late dropped',
            'Skipped',
            'Backpressure',
            'Queued in/out',
          ].map((t) => h('th', {}, t)),
        ),
      ),
      h('tbody', {}, ...v.subtasks.map(subtaskRow)),
    ),
    h('div', { class: 'channel-grid' }, ...v.subtasks.map(channelTable)),
  );
}
