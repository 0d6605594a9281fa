/**
 * A trace logger as operators, sources and tasks see it: a function that formats like
 * `console.log` and prints only when its namespace is enabled, with `enabled` to skip building
 * costly arguments. The `debug` package's `Debugger` satisfies it; public types name this
 * structural type instead so that a consumer's declaration check needs no `@types/debug`.
 */
export interface TraceLog {
  (formatter: unknown, ...args: unknown[]): void;
  readonly enabled: boolean;
  readonly namespace: string;
}
