import fs from 'fs';
import path from 'path';

let root: string | undefined;

/**
 * brook's package folder, found by walking up from this file: the same answer whether the code
 * runs compiled (dist/lib/rest) or from source under jest (lib/rest).
 */
export function packageRoot(): string {
  if (root !== undefined) return root;
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    const manifest = path.join(dir, 'package.json');
    if (fs.existsSync(manifest) && (JSON.parse(fs.readFileSync(manifest, 'utf8')) as { name?: string }).name === 'brook') {
      return (root = dir);
    }
    if (path.dirname(dir) === dir) throw new Error(`brook's package.json not found above ${__dirname}`);
  }
}

export function brookVersion(): string {
  return (JSON.parse(fs.readFileSync(path.join(packageRoot(), 'package.json'), 'utf8')) as { version: string }).version;
}
