// Every curl example in the README, run as written (against a fresh server on a free port instead
// of localhost:4010), in bash: all of them in order, and each `##` section alone. The blocks are
// discovered, not listed: a section added later is covered without editing this test. Checks:
// each block exits 0; no request gets a 5xx the example did not ask for (Prefer or a fault rule);
// and each section's requests get the same statuses alone as after every section before it, so
// the examples work in any order.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startSandbox, type JournalEntry, type RunningSandbox } from '../src/index.js';

interface Block {
  section: string;
  heading: string;
  code: string;
}

/** The README's ```sh blocks that call curl, with their `##` section and nearest heading. */
export function curlBlocks(readme: string): Block[] {
  const blocks: Block[] = [];
  let section = '';
  let heading = '';
  const lines = readme.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (/^## /.test(line)) section = heading = line.slice(3).trim();
    else if (/^#{3,} /.test(line)) heading = line.replace(/^#+ /, '').trim();
    else if (/^```(sh|bash|shell)\s*$/.test(line)) {
      const start = ++i;
      while (i < lines.length && !/^```\s*$/.test(lines[i])) i++;
      const code = lines.slice(start, i).join('\n');
      // Blocks that call curl, and those that only set variables for the section's other blocks.
      const settings = code.split('\n').every(l => !l.trim() || l.startsWith('#') || /^[A-Z_][A-Z0-9_]*=/.test(l));
      if (/(^|[\s$(])curl\s/m.test(code) || settings) blocks.push({ section, heading, code });
    }
  }
  return blocks;
}

const readme = await readFile('README.md', 'utf8');
const blocks = curlBlocks(readme);
const sections = [...new Set(blocks.map(b => b.section))];

/** Runs the blocks in one bash per block (variables carry over within a section, as a reader's shell would). */
async function runBlocks(server: RunningSandbox, run: Block[]): Promise<Array<{ block: Block; entries: JournalEntry[] }>> {
  const cwd = await mkdtemp(join(tmpdir(), 'sandbox-readme-'));
  const out: Array<{ block: Block; entries: JournalEntry[] }> = [];
  try {
    let prelude = '';
    let section = '';
    let since = 0;
    for (const block of run) {
      if (block.section !== section) {
        prelude = '';
        section = block.section;
      }
      const code = block.code.replaceAll('http://localhost:4010', server.url);
      const script = `set -eo pipefail\n${prelude}\n${code}\n`;
      try {
        await promisify(execFile)('bash', ['-c', script], { cwd, timeout: 60_000, maxBuffer: 16 * 1024 * 1024 });
      } catch (error) {
        const e = error as { stdout?: string; stderr?: string; message: string };
        throw new Error(`README block under "${block.heading}" failed: ${e.message}\n${e.stderr ?? ''}\n--- block ---\n${block.code}`);
      }
      // Later blocks of the section see the variables this one set (B, A, S, …), as in one shell.
      prelude += `\n${code.split('\n').filter(l => /^[A-Z_][A-Z0-9_]*=/.test(l) && !l.includes('$(')).join('\n')}`;
      const all = await journalSince(server, since);
      since = Math.max(since, ...all.map(e => e.seq));
      out.push({ block, entries: all });
    }
  } finally {
    await rm(cwd, { recursive: true, force: true });
  }
  return out;
}

/** Every sandbox's requests after `since`, oldest first. */
async function journalSince(server: RunningSandbox, since: number): Promise<JournalEntry[]> {
  const res = await fetch(`${server.url}/__sandbox/journal?since=${since}&limit=1000`);
  const { data } = (await res.json()) as { data: JournalEntry[] };
  return data.reverse();
}

const statusLine = (e: JournalEntry) => `${e.method} ${e.operationId ?? e.path} → ${e.status}`;

function unexpected5xx(results: Array<{ block: Block; entries: JournalEntry[] }>): string[] {
  return results.flatMap(({ block, entries }) =>
    entries.filter(e => e.status >= 500 && !e.injected).map(e => `${block.heading}: ${statusLine(e)} ${JSON.stringify(e.response?.body)}`),
  );
}

test('the README has curl examples in several sections', () => {
  expect(blocks.length).toBeGreaterThanOrEqual(10);
  expect(sections.length).toBeGreaterThanOrEqual(5);
});

describe('README curl examples', () => {
  let inOrder: Map<string, string[]>;

  test('all of them, in order, against one fresh server', async () => {
    const server = await startSandbox();
    try {
      const results = await runBlocks(server, blocks);
      expect(unexpected5xx(results)).toEqual([]);
      inOrder = new Map();
      for (const { block, entries } of results) inOrder.set(block.section, [...(inOrder.get(block.section) ?? []), ...entries.map(statusLine)]);
    } finally {
      await server.close();
    }
  }, 300_000);

  test.each(sections)('section "%s" alone, against a fresh server, answers as it does in order', async section => {
    const server = await startSandbox();
    try {
      const results = await runBlocks(server, blocks.filter(b => b.section === section));
      expect(unexpected5xx(results)).toEqual([]);
      const alone = results.flatMap(r => r.entries.map(statusLine));
      if (inOrder) expect(inOrder.get(section)).toEqual(alone);
    } finally {
      await server.close();
    }
  }, 300_000);
});
