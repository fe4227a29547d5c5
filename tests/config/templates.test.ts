import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, test } from 'vitest';
import { formatProblem, loadCatalogue } from '../../server/config/index.ts';
import { versionContent, type Catalogue } from '../../server/engine/catalogue.ts';
import type { EventDef } from '../../server/engine/definition.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const PARTNERSHIPS = ['leicester', 'merton', 'rotherham'];

function loaded(replace: Record<string, string> = {}): Catalogue {
  const result = loadCatalogue(ROOT, { replace: new Map(Object.entries(replace)) });
  if (!result.ok) throw new Error(result.problems.map(formatProblem).join('\n'));
  return result.catalogue;
}

/** The configuration's problems with some files changed in memory (nothing on disk is touched). */
function problems(replace: Record<string, string>): string[] {
  const result = loadCatalogue(ROOT, { replace: new Map(Object.entries(replace)) });
  expect(result.ok, 'the change should have been refused').toBe(false);
  return result.ok ? [] : result.problems.map(formatProblem);
}

function text(file: string): string {
  return readFileSync(join(ROOT, file), 'utf8');
}

/** The 1-based line of the first line of `file`'s text (as changed) that contains `needle`. */
function lineIn(content: string, needle: string): number {
  const index = content.split('\n').findIndex((line) => line.includes(needle));
  expect(index, `"${needle}" is not in the file`).toBeGreaterThanOrEqual(0);
  return index + 1;
}

/** A process version's content with keys sorted, and events by type: what it means, whatever order it is written in. */
function meaningHash(catalogue: Catalogue, partnership: string, process: string): string {
  const p = catalogue.partnerships.get(partnership)!;
  const content = JSON.parse(versionContent(p, p.processes.get(process)!)) as { process: { events: EventDef[] } };
  content.process.events.sort((a, b) => (a.type < b.type ? -1 : 1));
  const canonical = (value: unknown): unknown =>
    Array.isArray(value)
      ? value.map(canonical)
      : value !== null && typeof value === 'object'
        ? Object.fromEntries(Object.keys(value).sort().map((k) => [k, canonical((value as Record<string, unknown>)[k])]))
        : value;
  return createHash('sha256').update(JSON.stringify(canonical(content))).digest('hex');
}

describe('processes written once and varied by difference', () => {
  test("each partnership's processes, templates and differences resolved, mean what tests/fixtures/process-meanings.json records", () => {
    // First recorded from the configuration as it was when every partnership's folder held full copies, and the
    // templates resolved to the same; since then each change to what a process means is made on purpose, here too.
    // A template edit changes every partnership that extends it: this says which.
    const recorded = JSON.parse(text('tests/fixtures/process-meanings.json')) as Record<string, string>;
    const catalogue = loaded();
    const keys = [...catalogue.partnerships].flatMap(([p, partnership]) => [...partnership.processes.keys()].map((id) => `${p}/${id}`)).sort();
    const now = Object.fromEntries(keys.map((key) => [key, meaningHash(catalogue, ...(key.split('/') as [string, string]))]));
    expect(now, `if the change is meant, record it in tests/fixtures/process-meanings.json:\n${JSON.stringify(now, null, 2)}`).toEqual(recorded);
    expect(Object.fromEntries(PARTNERSHIPS.map((p) => [p, [...(catalogue.partnerships.get(p)!.extended ?? new Map())]]))).toEqual({
      leicester: [['cspr', 'cspr'], ['scr-transition', 'scr-transition'], ['yearly-report', 'yearly-report']],
      merton: [['cspr', 'cspr'], ['yearly-report', 'yearly-report']],
      rotherham: [['cspr', 'cspr'], ['scr-transition', 'scr-transition'], ['yearly-report', 'yearly-report']],
    });
  });

  test('no file of one partnership\'s folders is the same as another\'s, and each variant is small', () => {
    const seen = new Map<string, string>();
    const duplicates: string[] = [];
    for (const top of ['workflows', 'forms']) {
      for (const partnership of PARTNERSHIPS) {
        const dir = join(top, partnership);
        for (const name of readdirSync(join(ROOT, dir)).filter((n) => /\.(ya?ml|json)$/.test(n))) {
          const file = join(dir, name);
          const hash = createHash('sha256').update(text(file)).digest('hex');
          if (seen.has(hash)) duplicates.push(`${file} = ${seen.get(hash)}`);
          seen.set(hash, file);
        }
      }
    }
    expect(duplicates).toEqual([]);
    const lines = (file: string) => text(file).split('\n').length;
    // The statutory process is some 320 lines; what a partnership says of it is a fraction.
    expect(lines('workflows/templates/cspr.yaml')).toBeGreaterThan(300);
    for (const partnership of PARTNERSHIPS) expect(lines(`workflows/${partnership}/cspr.yaml`), partnership).toBeLessThan(110);
  });

  test('a variant changes its template item by item: roles, removed states and events, appended effects, added fields', () => {
    const catalogue = loaded();
    const merton = catalogue.partnerships.get('merton')!.processes.get('cspr')!.def;
    const leicester = catalogue.partnerships.get('leicester')!.processes.get('cspr')!.def;
    const template = catalogue.templates!.get('cspr')!.process.def;
    // Merton's Independent Person decides at the rapid review: no separate recommendation, no state waiting for it.
    expect(Object.keys(template.states)).toContain('awaiting-decision');
    expect(Object.keys(merton.states)).not.toContain('awaiting-decision');
    expect(merton.events.map((e) => e.type)).not.toContain('RECOMMEND');
    expect(merton.events.find((e) => e.type === 'DECIDE')).toMatchObject({ from: ['rapid-review'], roles: ['independent-person'] });
    // Leicester's two tasks of its own are completed by the template's communication event, after the template's own.
    const communication = (def: typeof template) => def.events.find((e) => e.type === 'COMMUNICATION_RECORDED')!.effects!;
    expect(communication(leicester).slice(0, communication(template).length)).toEqual(communication(template));
    expect(communication(leicester).slice(communication(template).length)).toEqual([
      { completeTask: 'discuss-exception-with-national-panel', when: { equals: [{ field: 'communication' }, 'exception-discussed-with-panel'] } },
    ]);
    // A form variant adds Leicester's questions to the template's commissioning form.
    const fields = (partnership: string) => Object.keys(catalogue.partnerships.get(partnership)!.forms.get('cspr-commissioning')!.schema.properties as object);
    expect(fields('leicester')).toEqual(expect.arrayContaining([...fields('rotherham').filter((f) => f !== 'familyInformedOfReviewOn'), 'reviewerSelection', 'advocateOffered']));
  });
});

describe("a variant's problems are reported in the file and at the line that caused them", () => {
  const MERTON = 'workflows/merton/cspr.yaml';
  const TEMPLATE = 'workflows/templates/cspr.yaml';

  test('in the variant: a misspelt key, removing what the template lacks, a list where a map of changes goes', () => {
    const changed = text(MERTON).replace('\nevents:\n', '\nevents:\n  NOTIFIED:\n    lable: Record what was notified\n  ESCALATED: null\n');
    const found = problems({ [MERTON]: changed });
    expect(found).toContain(`${MERTON}:${lineIn(changed, 'lable:')}: "events.0" has an unknown key "lable"; check its spelling`);
    expect(found).toContain(`${MERTON}:${lineIn(changed, 'ESCALATED: null')}: removes type "ESCALATED", which the template does not have; check its spelling`);

    const listed = text(MERTON).replace('\nevents:\n', '\nevents:\n  - type: NOTIFIED\n    label: Notified\nevents_:\n');
    expect(problems({ [MERTON]: listed }).join('\n')).toMatch(/workflows\/merton\/cspr\.yaml:\d+: .*events/);
  });

  test('a template reference to nothing names the templates there are', () => {
    const changed = text(MERTON).replace('extends: cspr', 'extends: cspr-2023');
    expect(problems({ [MERTON]: changed })).toContain(
      `${MERTON}:${lineIn(changed, 'extends:')}: template "cspr-2023" does not exist; templates: cspr, scr-transition, yearly-report (in workflows/templates/)`,
    );
    const form = 'forms/leicester/cspr-commissioning.variant.yaml';
    const changedForm = text(form).replace('extends: cspr-commissioning', 'extends: cspr-commisioning');
    expect(problems({ [form]: changedForm }).join('\n')).toContain(`${form}:${lineIn(changedForm, 'extends:')}: form template "cspr-commisioning" does not exist`);
  });

  test("in the template: at the template's line, naming the partnership file that meets it", () => {
    const changed = text(TEMPLATE).replace('    form: cspr-progress-check\n', '    form: cspr-progress-check\n    to: under-review\n');
    const found = problems({ [TEMPLATE]: changed });
    const line = lineIn(changed, 'to: under-review');
    for (const partnership of PARTNERSHIPS) {
      expect(found).toContain(`${TEMPLATE}:${line}: unknown state "under-review"; states: ${Object.keys(loaded().partnerships.get(partnership)!.processes.get('cspr')!.def.states).join(', ')} (as workflows/${partnership}/cspr.yaml uses it)`);
    }
  });

  test('a state the variant removes but the template still names is reported where the template names it', () => {
    // Merton removes "awaiting-decision", so it must also say where its communication event may be sent from.
    const changed = text(MERTON).replace(/  COMMUNICATION_RECORDED:\n    from:\n(      - .*\n)+/, '  COMMUNICATION_RECORDED:\n    label: Record a letter\n');
    const found = problems({ [MERTON]: changed }).join('\n');
    expect(found).toMatch(new RegExp(`${TEMPLATE}:\\d+: unknown state "awaiting-decision".*\\(as ${MERTON} uses it\\)`));
  });

  test('appending to what is not a list, and a template that extends itself, are refused', () => {
    const appended = text(MERTON).replace('\nevents:\n', '\nevents:\n  NOTIFIED:\n    form: { append: [cspr-other] }\n');
    expect(problems({ [MERTON]: appended })).toContain(
      `${MERTON}:${lineIn(appended, 'append: [cspr-other]')}: \`append\` adds to a list, but the template has no list here; write the value itself`,
    );
    const circular = `extends: cspr\n${text(TEMPLATE)}`;
    expect(problems({ [TEMPLATE]: circular }).join('\n')).toContain(`${TEMPLATE}:1: "extends: cspr" goes round in a circle`);
  });
});
