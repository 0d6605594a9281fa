import { parseArgs } from 'util';
import { LogServer } from './LogServer';

const USAGE = `usage: npm run logserver -- [--port 9999] [--file PATH] [--rate N]

Serves access-log lines ("HH:mm:ss IP") to every client on the port: a file's lines (then
closes the connection), or with no file a live synthetic log at --rate lines per second
(default 20).`;

async function main(argv: string[]): Promise<number> {
  let args;
  try {
    args = parseArgs({
      args: argv,
      options: {
        port: { type: 'string', default: '9999' },
        host: { type: 'string', default: '127.0.0.1' },
        file: { type: 'string' },
        rate: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }).values;
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n${USAGE}\n`);
    return 2;
  }
  if (args.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const port = Number(args.port);
  const rate = args.rate === undefined ? undefined : Number(args.rate);
  if (!Number.isInteger(port) || port < 0 || port > 65535 || (rate !== undefined && !(rate > 0))) {
    process.stderr.write(`invalid arguments\n${USAGE}\n`);
    return 2;
  }
  const server = new LogServer({ port, host: args.host, file: args.file, rate });
  let actual: number;
  try {
    actual = await server.start();
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n`);
    return 1;
  }
  const what = args.file ? `the lines of ${args.file}` : `a synthetic access log at ${rate ?? 20} lines/s`;
  process.stderr.write(`log server on ${args.host}:${actual}, serving ${what} (Ctrl-C to stop)\n`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await server.close();
  return 0;
}

main(process.argv.slice(2)).then((code) => (process.exitCode = code));
