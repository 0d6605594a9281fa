import http from 'http';

export interface HttpAnswer {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly text: string;
  json<T = unknown>(): T;
}

/**
 * One HTTP request with the path sent exactly as given (no normalisation, so tests can send
 * `/../x` and encoded dots), against a server on this machine.
 */
export function request(baseUrl: string, path: string, options: { method?: string; host?: string; body?: string } = {}): Promise<HttpAnswer> {
  const url = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: url.hostname,
        port: url.port,
        path,
        method: options.method ?? 'GET',
        headers: options.host ? { Host: options.host } : {},
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json: <T>() => JSON.parse(text) as T });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

export async function getJson<T>(baseUrl: string, path: string): Promise<T> {
  const answer = await request(baseUrl, path);
  if (answer.status !== 200) throw new Error(`GET ${path} answered ${answer.status}: ${answer.text}`);
  return answer.json<T>();
}
