/**
 * Start-up: from forking a server process to its first 200 answer (`GET /api/openapi.json`, which
 * needs no session), with the shipped configuration and with BENCH_PARTNERSHIPS partnerships, and
 * the server's resident memory then. The partnerships are the shipped ones copied under new ids into
 * a temporary root (workflows/<id>/ and forms/<id>/, the `id:` of partnership.yaml rewritten), round
 * robin until there are enough; templates and calendars are shared as in the repository.
 */
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { childServer, forkServer, nextMessage } from './child.ts';
import { progress, ROOT, SIZES, TODAY } from './support.ts';

export interface StartupResult {
  partnerships: number;
  firstAnswerMs: number;
  rss: number;
}

/** The folders of workflows/ that hold a partnership (the rest are templates and calendars). */
function partnershipFolders(root: string): string[] {
  return readdirSync(join(root, 'workflows'), { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(root, 'workflows', entry.name, 'partnership.yaml')))
    .map((entry) => entry.name)
    .sort();
}

/** A root with `total` partnerships: the shipped ones and copies `<id>-copy-<n>` of them. */
export function generatedRoot(total: number): string {
  const root = mkdtempSync(join(tmpdir(), 'bench-partnerships-'));
  cpSync(join(ROOT, 'workflows'), join(root, 'workflows'), { recursive: true });
  cpSync(join(ROOT, 'forms'), join(root, 'forms'), { recursive: true });
  const originals = partnershipFolders(ROOT);
  for (let n = originals.length; n < total; n++) {
    const original = originals[n % originals.length]!;
    const id = `${original}-copy-${Math.floor(n / originals.length)}`;
    cpSync(join(ROOT, 'workflows', original), join(root, 'workflows', id), { recursive: true });
    if (existsSync(join(ROOT, 'forms', original))) cpSync(join(ROOT, 'forms', original), join(root, 'forms', id), { recursive: true });
    const file = join(root, 'workflows', id, 'partnership.yaml');
    const text = readFileSync(file, 'utf8');
    const renamed = text.replace(new RegExp(`^id: ${original}$`, 'm'), `id: ${id}`);
    if (renamed === text) throw new Error(`${original}/partnership.yaml has no line "id: ${original}" to rename`);
    writeFileSync(file, renamed);
  }
  return root;
}

async function firstAnswer(root: string): Promise<StartupResult> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-startup-'));
  const start = performance.now();
  const child = forkServer({ kind: 'product', databaseUrl: `sqlite:${join(dir, 'db.sqlite')}`, now: TODAY, root });
  let exited = false;
  child.once('exit', () => (exited = true));
  try {
    const said = await nextMessage(child).catch(() => {
      throw new Error(`the server with the configuration in ${root} exited before answering (its stderr is above)`);
    });
    if (!('url' in said)) throw new Error(`the server did not start: ${JSON.stringify(said)}`);
    // The first request answered, not only the port open: what a person waiting for the service sees.
    const status = await fetch(`${said.url}/api/openapi.json`).then((res) => res.arrayBuffer().then(() => res.status));
    if (status !== 200) throw new Error(`the server's first answer was ${status}, not 200`);
    const firstAnswerMs = performance.now() - start;
    const server = childServer(child, said.url, firstAnswerMs);
    const rss = await server.rss();
    await server.stop();
    return { partnerships: partnershipFolders(root).length, firstAnswerMs, rss };
  } finally {
    if (!exited) child.kill();
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function startup(): Promise<{ shipped: StartupResult; generated: StartupResult }> {
  progress('start-up with the shipped configuration');
  const shipped = await firstAnswer(ROOT);
  const root = generatedRoot(SIZES.partnerships);
  try {
    progress(`start-up with ${SIZES.partnerships} partnerships`);
    return { shipped, generated: await firstAnswer(root) };
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
