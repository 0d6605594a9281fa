import os from 'os';
import path from 'path';
import { TransferListItem, Worker } from 'worker_threads';

/** Transpiled sources, keyed by path and content, shared by the worker threads of every run. */
const TRANSPILE_CACHE = path.join(os.tmpdir(), 'brook-transpiled');

/**
 * Starts a worker thread on `entry`. When brook runs from its TypeScript sources (jest, ts-node),
 * the worker cannot load .ts files by itself: it then transpiles them as it requires them
 * (typescript's transpileModule, no type check: the sources were checked already), caching the
 * output by content so that the next thread reads it instead of loading the compiler. Compiled
 * JavaScript (dist/) loads as is.
 */
export function startThread(entry: string, modules: readonly string[], workerData: unknown, transferList: TransferListItem[]): Worker {
  const needsTs = [entry, ...modules].some((m) => m.endsWith('.ts'));
  const typescript = needsTs ? require.resolve('typescript', { paths: [path.dirname(entry)] }) : '';
  const code = `
const entry = ${JSON.stringify(entry)};
if (${JSON.stringify(needsTs)} && !require.extensions['.ts']) {
  const fs = require('fs');
  const path = require('path');
  const crypto = require('crypto');
  const cacheDir = ${JSON.stringify(TRANSPILE_CACHE)};
  let ts;
  require.extensions['.ts'] = (module, filename) => {
    const source = fs.readFileSync(filename, 'utf8');
    const cached = path.join(cacheDir, crypto.createHash('sha1').update(filename).update(source).digest('hex') + '.js');
    let js;
    try {
      js = fs.readFileSync(cached, 'utf8');
    } catch {
      ts = ts || require(${JSON.stringify(typescript)});
      const compilerOptions = { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true };
      js = ts.transpileModule(source, { fileName: filename, compilerOptions }).outputText;
      try {
        fs.mkdirSync(cacheDir, { recursive: true });
        fs.writeFileSync(cached + '.' + process.pid + '.tmp', js);
        fs.renameSync(cached + '.' + process.pid + '.tmp', cached);
      } catch {}
    }
    module._compile(js, filename);
  };
}
require(entry);
`;
  return new Worker(code, { eval: true, workerData, transferList });
}
