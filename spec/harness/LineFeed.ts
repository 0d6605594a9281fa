import net from 'net';

/** A log service the test writes lines to: a socket source connects to it and reads them. */
export class LineFeed {
  private readonly server = net.createServer((socket) => {
    this.client = socket;
    this.connected?.();
  });
  private client: net.Socket | undefined;
  private connected: (() => void) | undefined;

  async start(): Promise<number> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return (this.server.address() as net.AddressInfo).port;
  }

  /** Writes lines once the source has connected. */
  async write(lines: readonly string[]): Promise<void> {
    if (!this.client) await new Promise<void>((resolve) => (this.connected = resolve));
    this.client!.write(lines.map((l) => `${l}\n`).join(''));
  }

  close(): Promise<void> {
    this.client?.destroy();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
