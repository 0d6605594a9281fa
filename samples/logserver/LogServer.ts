import fs from 'fs';
import net from 'net';
import createDebug from 'debug';
import { Clock, TimerHandle } from '../../lib/time/Clock';
import { systemClock } from '../../lib/time/SystemClock';
import { SeededRandom } from '../../lib/util/SeededRandom';

const log = createDebug('brook:logserver');

export interface LogServerOptions {
  /** 0 picks a free port. */
  readonly port: number;
  readonly host?: string;
  /** Serve this file's lines to every client, then close the connection. */
  readonly file?: string;
  /** Lines per second; with a file, unlimited when absent; synthetic logs default to 20. */
  readonly rate?: number;
  readonly clock?: Clock;
  readonly seed?: number;
}

/** Synthetic traffic: four clients, some busier than others. */
const CLIENTS: ReadonlyArray<readonly [string, number]> = [
  ['192.168.1.1', 0.22],
  ['192.168.1.2', 0.25],
  ['192.168.1.3', 0.25],
  ['192.168.1.4', 0.28],
];

/**
 * The seed lesson's log service: every client that connects receives access-log lines, one per
 * line (`HH:mm:ss IP`). With a file it serves the file and closes the connection (which ends a
 * brook or Flink socket source); without one it streams a live synthetic log stamped with the
 * current time until stopped.
 */
export class LogServer {
  private readonly server = net.createServer((socket) => this.serve(socket));
  private readonly clock: Clock;
  private readonly random: SeededRandom;
  private readonly connections = new Set<net.Socket>();
  private readonly timers = new Set<TimerHandle>();

  constructor(private readonly options: LogServerOptions) {
    this.clock = options.clock ?? systemClock;
    this.random = new SeededRandom(options.seed ?? Date.now());
  }

  /** Resolves with the port it listens on. */
  start(): Promise<number> {
    if (this.options.file) {
      try {
        fs.accessSync(this.options.file, fs.constants.R_OK);
      } catch (e) {
        return Promise.reject(new Error(`log server cannot read ${this.options.file}: ${(e as Error).message}`));
      }
    }
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.options.port, this.options.host ?? '127.0.0.1', () => {
        const address = this.server.address() as net.AddressInfo;
        log('listening on %s:%d', address.address, address.port);
        resolve(address.port);
      });
    });
  }

  close(): Promise<void> {
    for (const t of this.timers) this.clock.clearTimeout(t);
    this.timers.clear();
    for (const s of this.connections) s.destroy();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  /** A synthetic access-log line for time `now`. */
  syntheticLine(now: number): string {
    const hms = new Date(now).toISOString().slice(11, 19);
    let r = this.random.next();
    for (const [ip, weight] of CLIENTS) {
      if ((r -= weight) < 0) return `${hms} ${ip}`;
    }
    return `${hms} ${CLIENTS[CLIENTS.length - 1][0]}`;
  }

  private serve(socket: net.Socket): void {
    this.connections.add(socket);
    socket.on('close', () => this.connections.delete(socket));
    socket.on('error', (e) => log('client error: %s', e.message));
    log('client connected from %s:%d', socket.remoteAddress, socket.remotePort);
    if (this.options.file) this.serveFile(socket, this.options.file);
    else this.serveSynthetic(socket);
  }

  private serveFile(socket: net.Socket, file: string): void {
    const rate = this.options.rate;
    if (rate === undefined) {
      fs.createReadStream(file)
        .on('error', (e) => socket.destroy(e))
        .pipe(socket);
      return;
    }
    const lines = fs
      .readFileSync(file, 'utf8')
      .split('\n')
      .filter((l) => l.length > 0);
    let sent = 0;
    this.paced(socket, rate, (n) => {
      const chunk = lines.slice(sent, sent + n);
      sent += chunk.length;
      if (chunk.length > 0) socket.write(`${chunk.join('\n')}\n`);
      if (sent >= lines.length) {
        socket.end();
        return false;
      }
      return true;
    });
  }

  private serveSynthetic(socket: net.Socket): void {
    this.paced(socket, this.options.rate ?? 20, (n) => {
      let text = '';
      for (let i = 0; i < n; i++) text += `${this.syntheticLine(this.clock.now())}\n`;
      if (text) socket.write(text);
      return true;
    });
  }

  /** Calls `send(n)` every 50 ms with the number of lines due at `rate` per second. */
  private paced(socket: net.Socket, rate: number, send: (n: number) => boolean): void {
    const start = this.clock.now();
    let sent = 0;
    const tick = (): void => {
      if (socket.destroyed) return;
      const due = Math.floor(((this.clock.now() - start) * rate) / 1000) + 1 - sent;
      if (due > 0) sent += due;
      if (!send(Math.max(0, due))) return;
      const t = this.clock.setTimeout(() => {
        this.timers.delete(t);
        tick();
      }, 50);
      this.timers.add(t);
    };
    tick();
  }
}
