import { integerFlag, runCommand, runMain, UsageError } from '../common/commandLine';
import { LogServer } from './LogServer';

const USAGE = `usage: npm run logserver -- [--port 9999] [--file PATH] [--rate N]

Serves access-log lines ("HH:mm:ss IP") to every client on the port: a file's lines (then
closes the connection), or with no file a live synthetic log at --rate lines per second
(default 20).`;

const OPTIONS = {
  port: { type: 'string', default: '9999' },
  host: { type: 'string', default: '127.0.0.1' },
  file: { type: 'string' },
  rate: { type: 'string' },
} as const;

function main(argv: string[]): Promise<number> {
  return runCommand(argv, USAGE, OPTIONS, async (args) => {
    const port = integerFlag('port', args.port, 0, 65535);
    const rate = args.rate === undefined ? undefined : Number(args.rate);
    if (rate !== undefined && !(rate > 0)) throw new UsageError(`invalid --rate ${args.rate}`);
    const server = new LogServer({ port, host: args.host, file: args.file, rate });
    const actual = await server.start().catch((e: unknown) => {
      throw (e as NodeJS.ErrnoException).code === 'EADDRINUSE'
        ? new Error(`log server: ${args.host}:${port} is already in use; pick another port with --port N (--port 0 picks a free one)`)
        : e;
    });
    const what = args.file ? `the lines of ${args.file}` : `a synthetic access log at ${rate ?? 20} lines/s`;
    process.stderr.write(`log server on ${args.host}:${actual}, serving ${what} (Ctrl-C to stop)\n`);
    await new Promise<void>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
    await server.close();
    return 0;
  });
}

runMain(main);
