export type HttpMethod = 'GET' | 'HEAD' | 'POST' | 'PATCH' | 'PUT' | 'DELETE' | 'OPTIONS';

export type RouteParams = Readonly<Record<string, string>>;

export interface Route<H> {
  readonly method: HttpMethod;
  /** Segments; `:name` captures one segment. */
  readonly pattern: string;
  readonly handler: H;
}

export type RouteMatch<H> =
  | { readonly kind: 'found'; readonly handler: H; readonly params: RouteParams }
  | { readonly kind: 'methodNotAllowed'; readonly allowed: readonly HttpMethod[] }
  | { readonly kind: 'notFound' };

/** Matches a path (already split from its query) against routes in order; exact segment counts. */
export class Router<H> {
  private readonly routes: Array<Route<H> & { readonly segments: readonly string[] }> = [];

  add(method: HttpMethod, pattern: string, handler: H): this {
    this.routes.push({ method, pattern, handler, segments: split(pattern) });
    return this;
  }

  match(method: string, path: string): RouteMatch<H> {
    const segments = split(path);
    const allowed: HttpMethod[] = [];
    for (const route of this.routes) {
      const params = matchSegments(route.segments, segments);
      if (!params) continue;
      if (route.method === method || (method === 'HEAD' && route.method === 'GET')) return { kind: 'found', handler: route.handler, params };
      allowed.push(route.method);
    }
    return allowed.length > 0 ? { kind: 'methodNotAllowed', allowed } : { kind: 'notFound' };
  }
}

function split(path: string): string[] {
  return path.split('/').filter((s) => s !== '');
}

function matchSegments(pattern: readonly string[], actual: readonly string[]): Record<string, string> | undefined {
  if (pattern.length !== actual.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < pattern.length; i++) {
    if (pattern[i].startsWith(':')) params[pattern[i].slice(1)] = actual[i];
    else if (pattern[i] !== actual[i]) return undefined;
  }
  return params;
}
