import type { JobDetailsBody, VertexSummary } from './api.js';
import { s } from './dom.js';
import { eventTimeTitle, formatCount, formatEventTime, formatRate, formatRatio } from './format.js';
import { vertexColour } from './vertexColour.js';

const NODE_WIDTH = 330;
const PAD = 12;
const LINE = 16;
const FONT = '12px system-ui, sans-serif';
const METRIC_LINES = 5;

interface NodeParts {
  readonly group: SVGGElement;
  readonly recordsIn: SVGTextElement;
  readonly recordsOut: SVGTextElement;
  readonly watermark: SVGTextElement;
  readonly watermarkOut: SVGTextElement;
  readonly backpressure: SVGTextElement;
  readonly box: SVGRectElement;
  readonly waiting: SVGTextElement;
  readonly status: SVGTextElement;
}

let measureContext: CanvasRenderingContext2D | null | undefined;

function textWidth(text: string, font = FONT): number {
  if (measureContext === undefined) measureContext = document.createElement('canvas').getContext('2d');
  if (!measureContext) return text.length * 7;
  measureContext.font = font;
  return measureContext.measureText(text).width;
}

/** Splits a task name at its " -> " chain links, then at ", " where a part is still too wide. */
export function wrapTaskName(name: string, width: number): string[] {
  const lines: string[] = [];
  const parts = name.split(' -> ');
  parts.forEach((part, i) => {
    const text = i === 0 ? part : `-> ${part}`;
    if (textWidth(text) <= width) {
      lines.push(text);
      return;
    }
    let line = '';
    for (const piece of text.split(/(?<=, )/)) {
      if (line && textWidth(line + piece) > width) {
        lines.push(line.trimEnd());
        line = `   ${piece}`;
      } else {
        line += piece;
      }
    }
    if (line) lines.push(line.trimEnd());
  });
  return lines;
}

/**
 * The job's DAG as the seed lesson draws it: one box per task with its parallelism, arrows
 * labelled with the ship strategy (REBALANCE, HASH, FORWARD…). dagre computes the layout once
 * per plan; refreshes only rewrite the metric lines inside the boxes.
 */
export class DagView {
  private readonly svg: SVGSVGElement;
  private layoutKey = '';
  private readonly nodes = new Map<string, NodeParts>();

  constructor(
    container: HTMLElement,
    private readonly onSelect: (vertexId: string) => void,
  ) {
    this.svg = s('svg', { class: 'dag', role: 'img', 'aria-label': 'the job graph' });
    container.replaceChildren(this.svg);
  }

  render(job: JobDetailsBody, selected: string | undefined): void {
    const key = `${job.jid}|${JSON.stringify(job.plan.nodes)}`;
    if (key !== this.layoutKey) {
      this.layout(job);
      this.layoutKey = key;
    }
    for (const v of job.vertices) this.update(v, v.id === selected);
  }

  private layout(job: JobDetailsBody): void {
    this.nodes.clear();
    // A multigraph: two edges may join the same tasks (a stream unioned with itself).
    const g = new dagre.graphlib.Graph({ multigraph: true });
    g.setGraph({ rankdir: 'LR', nodesep: 40, ranksep: 90, edgesep: 20, marginx: 16, marginy: 16 });
    g.setDefaultEdgeLabel(() => ({}));
    const names = new Map<string, string[]>();
    for (const v of job.vertices) {
      const lines = wrapTaskName(v.name, NODE_WIDTH - 2 * PAD);
      names.set(v.id, lines);
      g.setNode(v.id, { width: NODE_WIDTH, height: PAD * 2 + LINE * (1 + lines.length + METRIC_LINES) + 8 });
    }
    for (const node of job.plan.nodes) {
      for (const input of node.inputs ?? []) {
        const label = input.side_output ? `${input.ship_strategy} [${input.side_output}]` : input.ship_strategy;
        g.setEdge(input.id, node.id, { label, width: textWidth(label, 'bold 11px system-ui, sans-serif') + 16, height: 20, labelpos: 'c' }, `${input.num}`);
      }
    }
    dagre.layout(g);

    const defs = s(
      'defs',
      {},
      s(
        'marker',
        { id: 'arrow', viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 8, markerHeight: 8, orient: 'auto-start-reverse' },
        s('path', { d: 'M 0 0 L 10 5 L 0 10 z', class: 'arrowhead' }),
      ),
    );
    const edges = s('g', { class: 'edges' });
    for (const e of g.edges()) {
      const edge = g.edge(e) as { points?: Array<{ x: number; y: number }>; x?: number; y?: number; width?: number; label?: string };
      const points = edge.points ?? [];
      const d = points.map((p, i) => `${i === 0 ? 'M' : 'L'} ${p.x.toFixed(1)} ${p.y.toFixed(1)}`).join(' ');
      const label = String(edge.label ?? '');
      const w = edge.width ?? 60;
      edges.append(
        s(
          'g',
          { class: 'edge', 'data-from': e.v, 'data-to': e.w },
          s('path', { d, 'marker-end': 'url(#arrow)' }),
          s('rect', { class: 'edge-label-bg', x: (edge.x ?? 0) - w / 2, y: (edge.y ?? 0) - 10, width: w, height: 20, rx: 10 }),
          s('text', { class: 'edge-label', x: edge.x ?? 0, y: (edge.y ?? 0) + 4, 'text-anchor': 'middle' }, label),
        ),
      );
    }
    const nodesGroup = s('g', { class: 'nodes' });
    for (const v of job.vertices) {
      const n = g.node(v.id) as { x: number; y: number; width: number; height: number };
      const left = n.x - n.width / 2;
      const top = n.y - n.height / 2;
      const lines = names.get(v.id)!;
      let y = top + PAD + 12;
      const text = (cls: string, content: string, x = left + PAD, anchor = 'start'): SVGTextElement =>
        s('text', { class: cls, x, y, 'text-anchor': anchor }, content);
      const group = s('g', { class: 'node', 'data-vertex-id': v.id, tabindex: 0, role: 'button' });
      const box = s('rect', { class: 'box', x: left, y: top, width: n.width, height: n.height, rx: 6 });
      group.append(
        s('title', {}, `Task ${v.id}: ${v.name} (parallelism ${v.parallelism})`),
        box,
        text('task-id', `Task ${v.id}`),
        text('parallelism', `Parallelism: ${v.parallelism}`, left + n.width - PAD, 'end'),
      );
      y += LINE + 2;
      for (const line of lines) {
        group.append(text('task-name', line));
        y += LINE;
      }
      y += 6;
      const recordsIn = text('metric', '');
      recordsIn.setAttribute('data-metric', 'records-in');
      const status = text('status', '', left + n.width - PAD, 'end');
      y += LINE;
      const recordsOut = text('metric', '');
      recordsOut.setAttribute('data-metric', 'records-out');
      y += LINE;
      const watermark = text('metric watermark', '');
      watermark.setAttribute('data-metric', 'watermark');
      y += LINE;
      const watermarkOut = text('metric watermark', '');
      watermarkOut.setAttribute('data-metric', 'watermark-out');
      y += LINE;
      const backpressure = text('metric', '');
      backpressure.setAttribute('data-metric', 'backpressure');
      const waiting = text('waiting', '', left + n.width - PAD, 'end');
      group.append(recordsIn, status, recordsOut, watermark, watermarkOut, backpressure, waiting);
      group.addEventListener('click', () => this.onSelect(v.id));
      group.addEventListener('keydown', (ev) => {
        if (ev.key === 'Enter' || ev.key === ' ') this.onSelect(v.id);
      });
      nodesGroup.append(group);
      this.nodes.set(v.id, { group, box, recordsIn, recordsOut, watermark, watermarkOut, backpressure, waiting, status });
    }
    const graph = g.graph() as { width?: number; height?: number };
    const width = Math.ceil(graph.width ?? 800);
    const height = Math.ceil(graph.height ?? 200);
    this.svg.setAttribute('viewBox', `0 0 ${width} ${height}`);
    this.svg.style.maxWidth = `${width}px`;
    this.svg.replaceChildren(defs, edges, nodesGroup);
  }

  private update(v: VertexSummary, selected: boolean): void {
    const parts = this.nodes.get(v.id);
    if (!parts) return;
    const m = v.metrics;
    parts.group.setAttribute('class', `node status-${v.status.toLowerCase()}${selected ? ' selected' : ''}${m['window-held-back'] ? ' window-held-back' : ''}`);
    parts.status.textContent = v.status;
    parts.recordsIn.textContent = `Records in: ${formatCount(m['read-records'])}  (${formatRate(m['read-records-per-second'])})`;
    parts.recordsOut.textContent = `Records out: ${formatCount(m['write-records'])}  (${formatRate(m['write-records-per-second'])})`;
    parts.recordsIn.setAttribute('data-value', String(m['read-records']));
    parts.recordsOut.setAttribute('data-value', String(m['write-records']));
    parts.watermark.textContent = `Watermark in:  ${formatEventTime(m['current-input-watermark'])}`;
    parts.watermark.setAttribute('data-value', String(m['current-input-watermark']));
    replaceTitle(parts.watermark, `lowest input watermark: ${eventTimeTitle(m['current-input-watermark'])}`);
    parts.watermarkOut.textContent = `Watermark out: ${formatEventTime(m['current-output-watermark'])}`;
    parts.watermarkOut.setAttribute('data-value', String(m['current-output-watermark']));
    replaceTitle(parts.watermarkOut, `lowest output watermark: ${eventTimeTitle(m['current-output-watermark'])}`);
    const level = m['backpressure-level'];
    parts.backpressure.textContent = `Busy: ${formatRatio(m['busy-ratio'])}  Backpressure: ${level ? `${level.toUpperCase()} (${formatRatio(m['backpressure-ratio'])})` : '–'}`;
    parts.backpressure.setAttribute('class', `metric backpressure-${level ?? 'unknown'}`);
    const colour = vertexColour(m['busy-ratio'], m['backpressure-ratio']);
    parts.box.style.fill = colour.fill;
    parts.group.setAttribute('data-colour', colour.kind);
    replaceTitle(parts.box, colour.title);
    parts.waiting.textContent = m['window-held-back'] ? 'window held back' : '';
  }
}

function replaceTitle(node: SVGElement, title: string): void {
  let t: SVGTitleElement | null = node.querySelector<SVGTitleElement>(':scope > title');
  if (!t) node.append((t = s('title')));
  t.textContent = title;
}
