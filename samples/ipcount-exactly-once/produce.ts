import fs from 'fs';
import readline from 'readline';
import { parseArgs } from 'util';
import { createClient } from 'redis';

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

async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { redis: { type: 'string' }, stream: { type: 'string' }, file: { type: 'string' } } });
  if (!values.redis || !values.stream || !values.file) {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  const n = await produce(values.redis, values.stream, values.file);
  process.stderr.write(`appended ${n} lines of ${values.file} to stream ${values.stream}\n`);
  return 0;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => (process.exitCode = code),
    (e: unknown) => {
      process.stderr.write(`${(e as Error).message}\n`);
      process.exitCode = 1;
    },
  );
}
