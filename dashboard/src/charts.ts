import type { JobDetailsBody, VertexSummary } from './api.js';
import { h, replace } from './dom.js';
import { formatTime } from './format.js';

/** How many refreshes a chart keeps (at the default 1 s refresh, five minutes). */
const POINTS = 300;
const PALETTE = ['#1f6feb', '#d1242f', '#1a7f37', '#9a6700', '#8250df', '#bf3989', '#0a7ea4', '#57606a'];

interface ChartSpec {
  readonly id: string;
  readonly title: string;
  readonly unit: string;
  /** One value per series at a refresh (null: not known yet). */
  readonly series: (job: JobDetailsBody) => ReadonlyArray<{ readonly label: string; readonly value: number | null }>;
}

/** Records per second per task: what its sources emit, what the others receive. */
function throughput(job: JobDetailsBody): Array<{ label: string; value: number | null }> {
  const withInputs = new Set(job.plan.nodes.filter((n) => (n.inputs ?? []).length > 0).map((n) => n.id));
  return job.vertices.map((v: VertexSummary) => ({
    label: `Task ${v.id}`,
    value: withInputs.has(v.id) ? v.metrics['read-records-per-second'] : v.metrics['write-records-per-second'],
  }));
}

const CHARTS: readonly ChartSpec[] = [
  { id: 'chart-throughput', title: 'Records per second', unit: '/s', series: throughput },
  {
    id: 'chart-watermark-lag',
    title: "Watermark lag (cluster time − the job's watermark)",
    unit: 's',
    series: (job) => {
      const wm = job.watermark;
      const known = wm > Number.MIN_SAFE_INTEGER && wm < Number.MAX_SAFE_INTEGER;
      return [{ label: 'lag', value: known ? (job.now - wm) / 1000 : null }];
    },
  },
  {
    id: 'chart-backpressure',
    title: 'Busy and backpressured, share of time',
    unit: '%',
    series: (job) =>
      job.vertices.flatMap((v) => [
        { label: `Task ${v.id} busy`, value: v.metrics['busy-ratio'] === null ? null : v.metrics['busy-ratio'] * 100 },
        { label: `Task ${v.id} backpressured`, value: v.metrics['backpressure-ratio'] === null ? null : v.metrics['backpressure-ratio'] * 100 },
      ]),
  },
];

interface Plot {
  readonly chart: uPlot;
  readonly labels: string;
  readonly data: Array<Array<number | null>>;
}

/**
 * The job's metrics over time, drawn with uPlot (served from node_modules, no CDN): records per
 * second per task, the watermark lag, busy and backpressured time. The page keeps the samples
 * of its own refreshes (the REST API, as Flink's, answers with the current values), so the
 * charts start when the page is opened.
 */
export class JobCharts {
  private jobId: string | undefined;
  private readonly plots = new Map<string, Plot>();

  constructor(private readonly container: HTMLElement) {}

  update(job: JobDetailsBody): void {
    if (job.jid !== this.jobId) {
      this.jobId = job.jid;
      for (const p of this.plots.values()) p.chart.destroy();
      this.plots.clear();
      replace(
        this.container,
        h('h3', {}, 'Over time'),
        h('div', { class: 'charts' }, ...CHARTS.map((c) => h('figure', { id: c.id, class: 'chart' }, h('figcaption', {}, c.title)))),
      );
    }
    const t = job.now / 1000;
    for (const spec of CHARTS) {
      const values = spec.series(job);
      const labels = values.map((v) => v.label).join('|');
      let plot = this.plots.get(spec.id);
      if (!plot || plot.labels !== labels) {
        plot?.chart.destroy();
        plot = this.create(
          spec,
          values.map((v) => v.label),
          labels,
        );
        this.plots.set(spec.id, plot);
      }
      const [times, ...series] = plot.data;
      if (times.length > 0 && times[times.length - 1] === t) continue; // the same snapshot twice
      times.push(t);
      values.forEach((v, i) => series[i].push(v.value));
      if (times.length > POINTS) for (const column of plot.data) column.shift();
      plot.chart.setData(plot.data as uPlot.AlignedData);
      plot.chart.root.closest('figure')?.setAttribute('data-points', String(times.length));
    }
  }

  private create(spec: ChartSpec, labels: readonly string[], key: string): Plot {
    const figure = this.container.querySelector<HTMLElement>(`#${spec.id}`)!;
    figure.querySelector('.uplot')?.remove();
    const data: Array<Array<number | null>> = [[], ...labels.map(() => [])];
    const chart = new uPlot(
      {
        width: 420,
        height: 180,
        // Every time in the dashboard is UTC.
        tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), 'Etc/UTC'),
        scales: { x: { time: true }, y: { range: (_u, min, max) => [Math.min(0, min ?? 0), Math.max(1, max ?? 1)] } },
        series: [
          { label: 'time (UTC)', value: (_u, v) => (v === null ? '–' : formatTime(v * 1000)) },
          ...labels.map((label, i) => ({
            label,
            stroke: PALETTE[i % PALETTE.length],
            dash: label.endsWith('backpressured') ? [4, 3] : undefined,
            width: 1.5,
            value: (_u: uPlot, v: number | null) => (v === null ? '–' : `${v.toFixed(v >= 100 ? 0 : 1)} ${spec.unit}`),
          })),
        ],
        axes: [{}, { size: 56 }],
        legend: { live: true },
      },
      data as uPlot.AlignedData,
      figure,
    );
    return { chart, labels: key, data };
  }
}
