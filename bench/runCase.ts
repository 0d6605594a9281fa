import { CASES, CaseInput } from './cases';

/**
 * Runs one benchmark case in this (fresh) process and prints one JSON line: records, elapsed
 * time, output digest and the process's peak resident memory. The driver starts one process
 * per run so that peak RSS and JIT state belong to that run alone.
 */
async function main(): Promise<void> {
  const [name, inputJson] = process.argv.slice(2);
  const c = CASES.find((x) => x.name === name);
  if (!c) throw new Error(`no benchmark case '${name}'`);
  const input = JSON.parse(inputJson) as CaseInput;
  const start = performance.now();
  const result = await c.run(input);
  const elapsedMs = performance.now() - start;
  const peakRssMb = process.resourceUsage().maxRSS / 1024;
  process.stdout.write(`${JSON.stringify({ ...result, elapsedMs, peakRssMb })}\n`);
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exit(1);
  },
);
