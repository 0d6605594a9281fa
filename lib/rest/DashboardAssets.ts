import fs from 'fs';
import path from 'path';
import createDebug from 'debug';
import { packageRoot } from './packageRoot';

const log = createDebug('brook:rest');

export interface Asset {
  readonly body: Buffer;
  readonly contentType: string;
}

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
};

/** Where `npm run build` puts the dashboard's compiled scripts. */
export const DASHBOARD_SCRIPTS_DIR = path.join('dist', 'web', 'dashboard', 'src');

/**
 * The dashboard's files, as a fixed table from URL path to file, made once at start. A request
 * is answered only by an exact match in this table: no part of a URL ever becomes part of a
 * file path, so no URL can reach a file outside it (`/assets/../package.json`, encoded dots
 * and the like simply are not in the table).
 */
export class DashboardAssets {
  private readonly table = new Map<string, string>();

  constructor(root: string = packageRoot()) {
    const source = path.join(root, 'dashboard');
    this.table.set('/', path.join(source, 'index.html'));
    this.table.set('/index.html', path.join(source, 'index.html'));
    this.table.set('/assets/style.css', path.join(source, 'style.css'));
    // dagre lays the DAG out (Flink's web UI uses it too); served as shipped in node_modules.
    const dagre = path.join(path.dirname(require.resolve('@dagrejs/dagre/package.json', { paths: [root] })), 'dist', 'dagre.min.js');
    this.table.set('/assets/vendor/dagre.min.js', dagre);
    // uPlot draws the charts: small (50 KB), canvas based, no dependencies; also as shipped.
    const uplot = path.join(path.dirname(require.resolve('uplot/package.json', { paths: [root] })), 'dist');
    this.table.set('/assets/vendor/uPlot.iife.min.js', path.join(uplot, 'uPlot.iife.min.js'));
    this.table.set('/assets/vendor/uPlot.min.css', path.join(uplot, 'uPlot.min.css'));
    const scripts = path.join(root, DASHBOARD_SCRIPTS_DIR);
    if (fs.existsSync(scripts)) {
      for (const name of fs.readdirSync(scripts)) {
        if (/^[A-Za-z0-9_-]+\.js$/.test(name)) this.table.set(`/assets/js/${name}`, path.join(scripts, name));
      }
    } else {
      log('dashboard scripts not found in %s: run `npm run build`', scripts);
    }
  }

  /** The URL paths this table answers (for tests and logs). */
  get paths(): readonly string[] {
    return [...this.table.keys()];
  }

  get(urlPath: string): Asset | undefined {
    const file = this.table.get(urlPath);
    if (file === undefined) return undefined;
    try {
      return { body: fs.readFileSync(file), contentType: CONTENT_TYPES[path.extname(file)] ?? 'application/octet-stream' };
    } catch {
      return undefined;
    }
  }
}
