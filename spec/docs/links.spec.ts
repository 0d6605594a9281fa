import * as fs from 'fs';
import * as path from 'path';

/**
 * The README and docs/ are the front door: every relative link in them must reach a file or
 * folder of this tree, and every #anchor a heading of the page it names, so that moving a
 * module or renaming a section cannot leave a dead link behind.
 */
const ROOT = path.join(__dirname, '..', '..');
const DOCS = path.join(ROOT, 'docs');

interface MarkdownLink {
  readonly target: string;
  readonly line: number;
}

/** Inline links `[text](target)` outside fenced code blocks and code spans. */
function markdownLinks(markdown: string): MarkdownLink[] {
  const links: MarkdownLink[] = [];
  let inFence = false;
  markdown.split('\n').forEach((text, i) => {
    if (/^\s*```/.test(text)) {
      inFence = !inFence;
      return;
    }
    if (inFence) return;
    const prose = text.replace(/`[^`]*`/g, '');
    for (const m of prose.matchAll(/\[[^\]]*\]\(([^)\s]+)\)/g)) links.push({ target: m[1], line: i + 1 });
  });
  return links;
}

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens. */
function headingAnchor(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N} _-]/gu, '')
    .replace(/ /g, '-');
}

function anchorsOf(file: string): Set<string> {
  const anchors = new Set<string>();
  let inFence = false;
  for (const text of fs.readFileSync(file, 'utf8').split('\n')) {
    if (/^\s*```/.test(text)) inFence = !inFence;
    const m = !inFence && /^#{1,6}\s+(.*)$/.exec(text);
    if (m) anchors.add(headingAnchor(m[1]));
  }
  return anchors;
}

/** What is wrong with one link of `file`, or undefined when it resolves. */
function deadLink(file: string, target: string): string | undefined {
  if (/^[a-z][a-z0-9+.-]*:/i.test(target)) return undefined; // http:, https:, mailto:
  const [pathPart, anchor] = target.split('#', 2);
  const resolved = pathPart === '' ? file : path.resolve(path.dirname(file), decodeURIComponent(pathPart));
  if (!resolved.startsWith(ROOT)) return `${target} leaves the repository`;
  if (!fs.existsSync(resolved)) return `${target}: no such file or folder ${path.relative(ROOT, resolved)}`;
  if (anchor !== undefined && resolved.endsWith('.md') && !anchorsOf(resolved).has(anchor)) {
    return `${target}: ${path.relative(ROOT, resolved)} has no heading with anchor #${anchor}`;
  }
  return undefined;
}

function pages(): string[] {
  const docs = fs.existsSync(DOCS)
    ? fs
        .readdirSync(DOCS)
        .filter((f) => f.endsWith('.md'))
        .map((f) => path.join(DOCS, f))
    : [];
  return [path.join(ROOT, 'README.md'), ...docs];
}

describe('links in README.md and docs/', () => {
  it.each(pages().map((p) => [path.relative(ROOT, p), p]))('%s has no dead relative link', (_name, file) => {
    const dead = markdownLinks(fs.readFileSync(file, 'utf8'))
      .map((l) => ({ l, problem: deadLink(file, l.target) }))
      .filter((x) => x.problem !== undefined)
      .map(({ l, problem }) => `${path.relative(ROOT, file)}:${l.line}: ${problem}`);
    expect(dead).toEqual([]);
  });

  it('finds links outside code, and reports a missing file and a missing anchor', () => {
    const md = ['See [`lib`](lib) and [a](docs/none.md#x).', '```', '[not](a-link)', '```', 'x `[no](link)` y'].join('\n');
    expect(markdownLinks(md)).toEqual([
      { target: 'lib', line: 1 },
      { target: 'docs/none.md#x', line: 1 },
    ]);
    const readme = path.join(ROOT, 'README.md');
    expect(deadLink(readme, 'lib')).toBeUndefined();
    expect(deadLink(readme, 'no/such/file.ts')).toMatch(/no such file or folder no\/such\/file\.ts/);
    expect(deadLink(readme, 'README.md#no-such-heading')).toMatch(/has no heading with anchor #no-such-heading/);
    expect(headingAnchor('Chaos runs: `npm run chaos`')).toBe('chaos-runs-npm-run-chaos');
  });
});
