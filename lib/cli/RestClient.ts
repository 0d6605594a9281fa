import { ConfigBody, ErrorBody } from '../rest/RestTypes';

/** Flink's REST API answers /config with its version under this name. */
interface ForeignConfig {
  readonly 'flink-version'?: string;
}

/** A request to a REST API; a server that cannot be reached is said so, with how to start one. */
export async function rest(url: string, init?: RequestInit): Promise<Response> {
  try {
    return await fetch(url, init);
  } catch (e) {
    throw new Error(`no brook REST API at ${new URL(url).origin} (${(e as Error).message}); start a job with \`brook run <job file> --dashboard\``);
  }
}

/** The errors of an error answer (`{"errors": [...]}`), or its status. */
export async function errorOf(res: Response): Promise<string> {
  try {
    return ((await res.json()) as ErrorBody).errors.join('; ');
  } catch {
    return `${res.status} ${res.statusText}`;
  }
}

/**
 * Checks that the server at `base` is brook before anything is listed or changed there: 8081
 * is Flink's port too, and a Flink cluster's jobs are not ours to cancel.
 */
export async function ensureBrook(base: string): Promise<void> {
  const res = await rest(`${base}/config`);
  let body: Partial<ConfigBody> & ForeignConfig = {};
  try {
    body = (await res.json()) as Partial<ConfigBody> & ForeignConfig;
  } catch {
    // not JSON: said below
  }
  if (res.ok && typeof body['brook-version'] === 'string') return;
  const what = typeof body['flink-version'] === 'string' ? `a Flink REST API (Flink ${body['flink-version']})` : 'not a brook REST API';
  throw new Error(`${base} is ${what}, not brook: nothing was done there; pass --url with the address \`brook run --dashboard\` printed`);
}
