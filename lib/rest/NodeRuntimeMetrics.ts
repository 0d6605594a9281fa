import { collectDefaultMetrics, Registry } from 'prom-client';

let registry: Registry | undefined;

/**
 * The Node runtime's own metrics in Prometheus' text format, next to brook's at /metrics:
 * event-loop lag, heap and its spaces, GC pauses, CPU, open handles, as prom-client's default
 * collectors measure them (the names Node dashboards expect, `nodejs_*` and `process_*`). They
 * describe the process, so one set is collected per process, from the first scrape on.
 */
export function nodeRuntimeMetrics(): Promise<string> {
  if (!registry) {
    registry = new Registry();
    collectDefaultMetrics({ register: registry });
  }
  return registry.metrics();
}
