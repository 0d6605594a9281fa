import fs from 'fs';
import readline from 'readline';
import { createClient } from 'redis';
import { runCommand, runMain, UsageError } from '../common/commandLine';

const USAGE = 'usage: npm run produce -- --redis redis://HOST:PORT --stream STREAM --file FILE';

/** Appends every line of a file to a Redis stream, one entry per line with the field `line`. */
export async function produce(url: string, stream: string, file: string, batch = 500): Promise<number> {
  const client = createClient({ url });
  client.on('error', () => undefined);
  await client.connect();
  let n = 0;
  let pending: string[] = [];
  const send = async (): Promise<void> => {
    if (pending.length === 0) return;
    const multi = client.multi();
    for (const line of pending) multi.xAdd(stream, '*', { line });
    await multi.exec();
    n += pending.length;
    pending = [];
  };
  try {
    for await (const line of readline.createInterface({ input: fs.createReadStream(file), crlfDelay: Infinity })) {
      if (line === '') continue;
      pending.push(line);
      if (pending.length >= batch) await send();
    }
    await send();
  } finally {
    client.destroy();
  }
  return n;
}

const OPTIONS = { redis: { type: 'string' }, stream: { type: 'string' }, file: { type: 'string' } } as const;

function main(argv: string[]): Promise<number> {
  return runCommand(argv, USAGE, OPTIONS, async (args) => {
    if (!args.redis || !args.stream || !args.file) throw new UsageError('--redis, --stream and --file are required');
    const n = await produce(args.redis, args.stream, args.file);
    process.stderr.write(`appended ${n} lines of ${args.file} to stream ${args.stream}\n`);
    return 0;
  });
}

if (require.main === module) runMain(main);
