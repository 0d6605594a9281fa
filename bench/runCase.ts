import { PerformanceObserver } from 'perf_hooks';
import { CASES, CaseInput } from './cases';

/**
 * Runs one benchmark case in this (fresh) process and prints one JSON line: records, elapsed
 * time, output digest, the process's peak resident memory, and the main thread's GC pauses and
 * busy (not idle) event-loop time. The driver starts one process
 * per run so that peak RSS and JIT state belong to that run alone.
 */
async function main(): Promise<void> {
  const [name, inputJson] = process.argv.slice(2);
  const c = CASES.find((x) => x.name === name);
  if (!c) throw new Error(`no benchmark case '${name}'`);
  const input = JSON.parse(inputJson) as CaseInput;
  // Event-loop utilization counts from the loop's start: begin measuring inside it.
  await new Promise((resolve) => setImmediate(resolve));
  let gcMs = 0;
  const gc = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) gcMs += e.duration;
  });
  gc.observe({ entryTypes: ['gc'] });
  const loopAtStart = performance.eventLoopUtilization();
  const startedAt = Date.now();
  const start = performance.now();
  const result = await c.run(input);
  const elapsedMs = performance.now() - start;
  const processingMs = result.outputEndedAt === undefined ? undefined : result.outputEndedAt - startedAt;
  const busyMs = performance.eventLoopUtilization(loopAtStart).active;
  for (const e of gc.takeRecords()) gcMs += e.duration;
  gc.disconnect();
  const peakRssMb = process.resourceUsage().maxRSS / 1024;
  process.stdout.write(`${JSON.stringify({ ...result, elapsedMs, processingMs, peakRssMb, gcMs, busyMs })}\n`);
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exit(1);
  },
);
