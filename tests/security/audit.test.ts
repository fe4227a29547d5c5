import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { project } from '../../server/engine/project.ts';
import { startServer } from '../../server/main.ts';
import { rebuildAggregates } from '../../server/store/aggregates.ts';
import { GENESIS_HASH, historyHash, loadHistory, toHistoryStep, updateCase, writeProjection, type HistoryRecord } from '../../server/store/cases.ts';
import { shippedCatalogue } from '../support/catalogue.ts';
import { dropTestDatabase, newTestDatabase, openTestConnection, openTestDatabase, tamperableCopy, TEST_DIALECT } from '../support/database.ts';
import { ApiClient } from '../support/server.ts';
import { runScript } from './support.ts';

/**
 * The history is the record, and it is tamper-evident. `npm run verify-audit` recomputes each case's
 * hash chain (naming the first row that does not fit), prints the heads digest an auditor writes down
 * to compare later (`--expect-heads`), and replays every case's history, comparing the
 * cases, deadlines, tasks, timers and links tables with what it decides: any difference exits 1
 * naming the case and what differs. The attacker here has the file and drops the append-only
 * triggers first, as anyone with write access to the file could.
 *
 * The file is made by a real server: three Merton disputes whose absent partners are owed letters
 * (one written), a Rotherham serious incident notified late (deadlines met, missed and open, a task
 * for the other area), a Rotherham SCR in progress with its grace-period timer pending, and an SCR
 * handed over whose partners commissioned a linked local review.
 */
let dir: string;
/** The database the server wrote: a SQLite file, or in the `postgres` project a PostgreSQL database. */
let original: string;
const rows: { position: number; case_id: string; seq: number }[] = [];
const ids = { dispute: '', otherDispute: '', cspr: '', scrWithTimer: '', scrHandedOver: '', localReview: '' };
/** What people saw on the case pages, which the messages must quote as what the history decides. */
const seen = { rapidReviewDue: '', timerAt: '2020-09-30' };
/** The heads digest of the untouched database, as verify-audit printed it: `POSITION:DIGEST`. */
let recordedHeads = '';

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'audit-test-'));
  original = await newTestDatabase(dir);
  const server = await startServer({ port: 0, databaseUrl: original, now: '2020-06-01', demo: true });
  try {
    const partner = await ApiClient.signIn(server, 'merton.statutory-partner');
    const disputes: string[] = [];
    for (let i = 0; i < 3; i++) {
      const created = await partner.createCase('merton', 'dispute-resolution', { summary: `Audited dispute ${i}` });
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      const moved = await partner.sendEvent(created.body.id, 'UNRESOLVED', { attendees: ['lb-merton'], reason: `Reason ${i}` }, 1);
      expect(moved.status, JSON.stringify(moved.body)).toBe(200);
      disputes.push(created.body.id);
    }
    [ids.dispute, ids.otherDispute] = disputes as [string, string];
    const independentPerson = await ApiClient.signIn(server, 'merton.independent-person');
    const letter = await independentPerson.sendEvent(ids.dispute, 'LETTER_SENT', { partner: 'merton-ccg', sentOn: '2020-05-29' }, 2);
    expect(letter.status, JSON.stringify(letter.body)).toBe(200);
    expect(letter.body.tasks).toEqual([
      expect.objectContaining({ id: 'write-to-accountable-officer-merton-ccg', label: expect.any(String), done: true }),
      expect.objectContaining({ id: 'write-to-accountable-officer-met-police', label: expect.any(String), done: false }),
    ]);

    const localAuthority = await ApiClient.signIn(server, 'rotherham.local-authority');
    const incident = await localAuthority.createCase('rotherham', 'cspr', {
      title: 'Child R',
      awareOn: '2020-05-11',
      childDied: false,
      seriouslyHarmed: true,
      abuseOrNeglectKnownOrSuspected: true,
      lookedAfterChild: false,
      inArea: true,
    });
    expect(incident.status, JSON.stringify(incident.body)).toBe(201);
    ids.cspr = incident.body.id;
    const notified = await localAuthority.sendEvent(
      ids.cspr,
      'NOTIFIED',
      { panelNotifiedOn: '2020-05-26', partnersNotifiedOn: '2020-05-15', otherAreas: 'Doncaster, where the family lived until 2019' },
      1,
    );
    expect(notified.status, JSON.stringify(notified.body)).toBe(200);
    const deadlines = Object.fromEntries(notified.body.deadlines.map((d: { id: string; met: boolean | null }) => [d.id, d.met]));
    expect(deadlines).toEqual({ 'notify-national-panel': false, 'notify-safeguarding-partners': true, 'rapid-review': null, 'panel-receives-rapid-review': null });
    seen.rapidReviewDue = notified.body.deadlines.find((d: { id: string }) => d.id === 'rapid-review').due;
    expect(notified.body.tasks).toEqual([expect.objectContaining({ id: 'notify-other-areas', label: expect.any(String), done: false })]);

    const lscb = await ApiClient.signIn(server, 'rotherham.lscb');
    const inProgress = await lscb.createCase('rotherham', 'scr-transition', { title: 'Child L', decisionDate: '2019-09-10' });
    expect(inProgress.status, JSON.stringify(inProgress.body)).toBe(201);
    expect(inProgress.body.state).toBe('in-progress');
    ids.scrWithTimer = inProgress.body.id;
    const handedOver = await lscb.createCase('rotherham', 'scr-transition', { title: 'Child P', decisionDate: '2019-07-01' });
    ids.scrHandedOver = handedOver.body.id;
    const handover = await lscb.sendEvent(
      ids.scrHandedOver,
      'HAND_OVER',
      { handedOverOn: '2020-05-01', completeButUnpublished: false, handedToPartnersOn: '2020-05-01' },
      1,
    );
    expect(handover.status, JSON.stringify(handover.body)).toBe(200);
    const businessUnit = await ApiClient.signIn(server, 'rotherham.business-unit');
    const commissioned = await businessUnit.sendEvent(ids.scrHandedOver, 'COMMISSION_LOCAL_REVIEW', { decidedOn: '2020-05-20' }, 2);
    expect(commissioned.status, JSON.stringify(commissioned.body)).toBe(200);
    expect(commissioned.body.links).toEqual([{ id: expect.any(String), process: 'cspr', relation: 'local-review', reference: expect.any(String) }]);
    ids.localReview = commissioned.body.links[0].id;
  } finally {
    await server.close();
  }
  const db = await openTestConnection(original);
  try {
    rows.push(...(await db.all<{ position: number; case_id: string; seq: number }>('SELECT position, case_id, seq FROM history ORDER BY position')));
    // The file holds what the tests below edit: a pending timer and links both ways.
    expect(await db.all('SELECT case_id, event, fire_on FROM timers')).toEqual([{ case_id: ids.scrWithTimer, event: 'GRACE_PERIOD_ENDED', fire_on: seen.timerAt }]);
    expect(await db.get<{ n: number }>('SELECT COUNT(*) AS n FROM links')).toEqual({ n: 2 });
  } finally {
    await db.close();
  }
});
const copies: string[] = [];
afterAll(async () => {
  for (const copy of [original, ...copies]) await dropTestDatabase(copy);
  rmSync(dir, { recursive: true, force: true });
});

/** A copy of the untouched database, altered by `sql` with the triggers (and PostgreSQL's foreign keys) out of the way. */
async function tampered(sql: string): Promise<string> {
  const copy = await tamperableCopy(original, dir);
  copies.push(copy.databaseUrl);
  await copy.tamper(sql);
  return copy.databaseUrl;
}

describe('npm run verify-audit: the chain', () => {
  test('an untouched file: "14 rows, chain intact", its heads digest and "7 case(s) match", exit 0; DATABASE_URL is the default', async () => {
    expect(rows).toHaveLength(14);
    const byArgument = await runScript('scripts/verify-audit.ts', [original]);
    expect(byArgument.code, byArgument.stderr).toBe(0);
    expect(byArgument.stdout).toContain(': 14 rows, chain intact (head hash ');
    const [, heads] = /: heads digest (\d+:[0-9a-f]{64}) over 7 case chain\(s\): write it down, and check later with --expect-heads \1\n/.exec(byArgument.stdout) ?? [];
    expect(heads, byArgument.stdout).toBeDefined();
    // As of the newest row, so a later run counts the same rows however many come after.
    expect(heads!.split(':')[0]).toBe(String(rows.at(-1)!.position));
    recordedHeads = heads!;
    expect(byArgument.stdout).toContain(': 7 case(s) match what their history decides');
    expect(byArgument.stderr).toBe('');
    const byEnvironment = await runScript('scripts/verify-audit.ts', [], { env: { DATABASE_URL: original } });
    expect(byEnvironment.code).toBe(0);
    expect(byEnvironment.stdout).toContain('14 rows, chain intact');
    expect(byEnvironment.stdout).toContain('7 case(s) match what their history decides');
  });

  test('the heads digest it printed, given back with --expect-heads, is the one expected, exit 0', async () => {
    const expecting = await runScript('scripts/verify-audit.ts', ['--expect-heads', recordedHeads, original]);
    expect(expecting.code, expecting.stderr).toBe(0);
    expect(expecting.stdout).toContain(`: heads digest ${recordedHeads} is the one expected`);
  });

  test('the triggers stop an ordinary edit before the chain has to', async () => {
    const copy = await tamperableCopy(original, dir);
    copies.push(copy.databaseUrl);
    const db = await openTestDatabase(copy.databaseUrl);
    try {
      await expect(db.transaction((tx) => tx.exec("UPDATE history SET data = '{}' WHERE position = 2"))).rejects.toThrow(/append-only/);
      await expect(db.transaction((tx) => tx.exec('DELETE FROM history WHERE position = 2'))).rejects.toThrow(/append-only/);
    } finally {
      await db.close();
    }
  });

  test('an edited row is reported by position, case and seq, exit 1', async () => {
    const target = rows[3]!;
    const file = await tampered(`UPDATE history SET data = '{"attendees":["lb-merton","merton-ccg","met-police"]}' WHERE position = ${target.position}`);
    const result = await runScript('scripts/verify-audit.ts', [file]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`chain BROKEN at history position ${target.position} (case ${target.case_id}, seq ${target.seq})`);
    expect(result.stderr).toMatch(/was edited/);
  });

  test('a changed author or time is caught too, not only changed data', async () => {
    const target = rows[1]!;
    const file = await tampered(`UPDATE history SET by = 'merton.business-unit', at = '2020-09-01T00:00:00.000Z' WHERE position = ${target.position}`);
    const result = await runScript('scripts/verify-audit.ts', [file]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`position ${target.position}`);
  });

  test("a row deleted from the middle of a case's chain is reported at the case's next row", async () => {
    const [deleted, next] = [firstRowOf(ids.dispute, 2), firstRowOf(ids.dispute, 3)];
    const file = await tampered(`DELETE FROM history WHERE position = ${deleted.position}`);
    const result = await runScript('scripts/verify-audit.ts', [file]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`chain BROKEN at history position ${next.position} (case ${ids.dispute}, seq 3): its seq is 3 where the case's next is 2`);
  });

  test("a case's deleted last row, its case put back to match: no link shows it, the recorded heads digest does", async () => {
    // The attacker removes the letter written in the first dispute and rewrites the case as the shorter history decides.
    const file = await tampered(`DELETE FROM history WHERE position = ${firstRowOf(ids.dispute, 3).position}`);
    const db = await openTestDatabase(file);
    try {
      await db.transaction(async (tx) => {
        const history = await loadHistory(tx, ids.dispute);
        const partnership = shippedCatalogue().partnerships.get('merton')!;
        const projection = project(partnership, partnership.processes.get('dispute-resolution')!, history)!;
        expect(await updateCase(tx, ids.dispute, 3, projection)).toBe(true);
        await writeProjection(tx, ids.dispute, projection);
      });
    } finally {
      await db.close();
    }
    // The read aggregates still count the letter: verify-audit says so.
    const counted = await runScript('scripts/verify-audit.ts', [file]);
    expect(counted.code).toBe(1);
    expect(counted.stderr).toContain('read aggregate history_day_counts differs from its recount');
    // A thorough attacker recounts them too.
    const recount = await openTestDatabase(file);
    try {
      await rebuildAggregates(recount);
    } finally {
      await recount.close();
    }
    const unaware = await runScript('scripts/verify-audit.ts', [file]);
    expect(unaware.code, unaware.stderr).toBe(0);
    expect(unaware.stdout).toContain(': 13 rows, chain intact');
    expect(unaware.stdout).toContain(': 7 case(s) match what their history decides');
    const result = await runScript('scripts/verify-audit.ts', ['--expect-heads', recordedHeads, file]);
    expect(result.code, result.stdout).toBe(1);
    const [position, digest] = recordedHeads.split(':');
    expect(result.stderr).toMatch(new RegExp(`: heads digest as of position ${position} is [0-9a-f]{64}, not the ${digest} expected: since it was recorded, a case's last row\\(s\\) or a whole case were deleted`));
  });

  test('a row moved to another case (its case_id edited) is reported in the case it was moved to', async () => {
    // The letter (seq 3 of the first dispute) put at the end of the second dispute, whose seq 3 is free.
    const moved = firstRowOf(ids.dispute, 3);
    const file = await tampered(`UPDATE history SET case_id = '${ids.otherDispute}' WHERE position = ${moved.position}`);
    const result = await runScript('scripts/verify-audit.ts', [file]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      `chain BROKEN at history position ${moved.position} (case ${ids.otherDispute}, seq 3): its prev_hash is not the hash of the row before it in its chain: ` +
        'a row of this case before it was deleted, or this row was moved here from another case',
    );
  });

  test('--expect-heads that is not a digest as verify-audit prints it is refused, exit 2', async () => {
    const result = await runScript('scripts/verify-audit.ts', ['--expect-heads', 'abc', original]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--expect-heads abc is not a heads digest as verify-audit prints it: POSITION:DIGEST');
  });

  test('an edited row whose own hash was recomputed is caught at the next row of its case', async () => {
    // The attacker knows the hash function and fixes the edited row's hash; the next row still names the old one.
    const [target, next] = [firstRowOf(ids.dispute, 1), firstRowOf(ids.dispute, 2)];
    const db = await openTestConnection(original);
    const row = (await db.get<HistoryRecord>('SELECT * FROM history WHERE position = ?', [target.position]))!;
    await db.close();
    const data = { summary: 'A different dispute altogether' };
    const owner = { caseId: row.case_id, partnership: row.partnership, process: row.process, processVersion: row.process_version };
    const hash = historyHash(GENESIS_HASH, owner, { ...toHistoryStep(row), data });
    const file = await tampered(`UPDATE history SET data = '${JSON.stringify(data)}', hash = '${hash}' WHERE position = ${target.position}`);
    const result = await runScript('scripts/verify-audit.ts', [file]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`position ${next.position} (case ${next.case_id}, seq ${next.seq})`);
    expect(result.stderr).toMatch(/prev_hash/);
  });

  test('a missing database is an error, not an empty chain', async () => {
    const result = await runScript('scripts/verify-audit.ts', [join(dir, 'nowhere.sqlite')]);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/no database/);
  });
});

/**
 * One edit of one stored table, then the check the brief names: exit 1, and a line on stderr naming
 * the case and saying what differs. The history is untouched (except where the edit is to it), so
 * these are the edits the chain alone would never see.
 */
interface Edit {
  name: string;
  sql: () => string;
  caseId: () => string;
  /** What the line about the case says, after `case ID: `. */
  says: () => string | RegExp;
  /** An edit of the history breaks the chain too: at which row. */
  chainBrokenAt?: () => { position: number; seq: number };
}

const firstRowOf = (caseId: string, seq = 1) => rows.find((r) => r.case_id === caseId && r.seq === seq)!;

const edits: Edit[] = [
  // cases
  {
    name: 'a case moved to another partnership',
    sql: () => `UPDATE cases SET partnership = 'leicester' WHERE id = '${ids.dispute}'`,
    caseId: () => ids.dispute,
    says: () => 'partnership is leicester in the cases table, the history says merton',
  },
  {
    name: "a case's state",
    sql: () => `UPDATE cases SET state = 'stage-3-determination' WHERE id = '${ids.dispute}'`,
    caseId: () => ids.dispute,
    says: () => 'state is "stage-3-determination" in the cases table, the history decides "stage-2-arbitration"',
  },
  {
    name: "a case's raiser (created_by)",
    sql: () => `UPDATE cases SET created_by = 'merton.business-unit' WHERE id = '${ids.dispute}'`,
    caseId: () => ids.dispute,
    says: () => 'raiser is "merton.business-unit" in the cases table, the history decides "merton.statutory-partner"',
  },
  {
    name: "a case's data",
    sql: () =>
      TEST_DIALECT === 'sqlite'
        ? `UPDATE cases SET data = json_set(data, '$.summary', 'Nothing to see') WHERE id = '${ids.dispute}'`
        : `UPDATE cases SET data = jsonb_set(data::jsonb, '{summary}', '"Nothing to see"')::text WHERE id = '${ids.dispute}'`,
    caseId: () => ids.dispute,
    says: () => 'data.summary is "Nothing to see" in the cases table, the history decides "Audited dispute 0"',
  },
  {
    name: "a case's version",
    sql: () => `UPDATE cases SET version = 7 WHERE id = '${ids.dispute}'`,
    caseId: () => ids.dispute,
    says: () => 'version is 7 in the cases table, the history decides 3',
  },
  // deadlines
  {
    name: "a deadline's due date",
    sql: () => `UPDATE deadlines SET due = '2020-07-31' WHERE case_id = '${ids.cspr}' AND id = 'rapid-review'`,
    caseId: () => ids.cspr,
    says: () => `deadline rapid-review: due is "2020-07-31" in the table, the history decides "${seen.rapidReviewDue}"`,
  },
  {
    name: 'a missed deadline marked met',
    sql: () => `UPDATE deadlines SET met = 1 WHERE case_id = '${ids.cspr}' AND id = 'notify-national-panel'`,
    caseId: () => ids.cspr,
    says: () => 'deadline notify-national-panel: met is true in the table, the history decides false',
  },
  {
    name: 'a deadline marked corrected',
    sql: () => `UPDATE deadlines SET corrected = 1 WHERE case_id = '${ids.cspr}' AND id = 'notify-national-panel'`,
    caseId: () => ids.cspr,
    says: () => 'deadline notify-national-panel: corrected is true in the table, the history decides false',
  },
  {
    name: 'a deleted deadline',
    sql: () => `DELETE FROM deadlines WHERE case_id = '${ids.cspr}' AND id = 'notify-national-panel'`,
    caseId: () => ids.cspr,
    says: () => /^deadline notify-national-panel is missing from the table; the history decides .*"met":false/,
  },
  {
    name: 'an inserted deadline',
    sql: () => `INSERT INTO deadlines (case_id, id, label, due, satisfied_by, met, corrected) VALUES ('${ids.cspr}', 'final-report', 'Receive the final report', '2020-12-01', 'receivedOn', 1, 0)`,
    caseId: () => ids.cspr,
    says: () => /^deadline final-report is in the table but the history decides no such deadline/,
  },
  // tasks
  {
    name: 'a task marked done',
    sql: () => `UPDATE tasks SET done = 1 WHERE case_id = '${ids.dispute}' AND id = 'write-to-accountable-officer-met-police'`,
    caseId: () => ids.dispute,
    says: () => 'task write-to-accountable-officer-met-police: done is true in the table, the history decides false',
  },
  {
    name: "a task's label",
    sql: () => `UPDATE tasks SET label = 'Nothing to write' WHERE case_id = '${ids.cspr}' AND id = 'notify-other-areas'`,
    caseId: () => ids.cspr,
    says: () => /^task notify-other-areas: label is "Nothing to write" in the table, the history decides "/,
  },
  {
    name: 'a deleted task',
    sql: () => `DELETE FROM tasks WHERE case_id = '${ids.otherDispute}' AND id = 'write-to-accountable-officer-met-police'`,
    caseId: () => ids.otherDispute,
    says: () => /^task write-to-accountable-officer-met-police is missing from the table; the history decides .*"done":false/,
  },
  // timers
  {
    name: "a timer's date",
    sql: () => `UPDATE timers SET fire_on = '2030-01-01' WHERE case_id = '${ids.scrWithTimer}'`,
    caseId: () => ids.scrWithTimer,
    says: () => `timer GRACE_PERIOD_ENDED: at is "2030-01-01" in the table, the history decides "${seen.timerAt}"`,
  },
  {
    name: 'a deleted timer',
    sql: () => `DELETE FROM timers WHERE case_id = '${ids.scrWithTimer}'`,
    caseId: () => ids.scrWithTimer,
    says: () => `timer GRACE_PERIOD_ENDED is missing from the table; the history decides {"at":"${seen.timerAt}","id":"GRACE_PERIOD_ENDED","state":"in-progress"}`,
  },
  // links
  {
    name: 'a deleted link',
    sql: () => `DELETE FROM links WHERE case_id = '${ids.scrHandedOver}'`,
    caseId: () => ids.scrHandedOver,
    says: () => `link ${ids.localReview} is missing from the table; the history decides {"id":"${ids.localReview}","relation":"local-review"}`,
  },
  {
    name: "a link's relation",
    sql: () => `UPDATE links SET relation = 'unrelated' WHERE case_id = '${ids.localReview}'`,
    caseId: () => ids.localReview,
    says: () => `link ${ids.scrHandedOver}: relation is "unrelated" in the table, the history decides "serious-case-review"`,
  },
  {
    name: 'a row inserted for a case that does not exist',
    sql: () => `INSERT INTO tasks (case_id, id, label, done, position) VALUES ('no-such-case', 'shred-the-file', 'Shred the file', 0, 0)`,
    caseId: () => 'no-such-case',
    says: () => '1 row(s) of the tasks table belong to a case that is not in the cases table',
  },
  // history: the hash covers the partnership, process and process version of every row
  {
    name: "a history row's partnership",
    sql: () => `UPDATE history SET partnership = 'leicester' WHERE case_id = '${ids.dispute}' AND seq = 2`,
    caseId: () => ids.dispute,
    says: () => 'history seq 2 names leicester/dispute-resolution version 1, unlike seq 1',
    chainBrokenAt: () => firstRowOf(ids.dispute, 2),
  },
  {
    name: "a history row's process",
    sql: () => `UPDATE history SET process = 'cspr' WHERE case_id = '${ids.dispute}' AND seq = 1`,
    caseId: () => ids.dispute,
    says: () => 'process is dispute-resolution in the cases table, the history says cspr',
    chainBrokenAt: () => firstRowOf(ids.dispute),
  },
  {
    name: "a history row's process version",
    sql: () => `UPDATE history SET process_version = 2 WHERE case_id = '${ids.cspr}' AND seq = 1`,
    caseId: () => ids.cspr,
    says: () => 'process version is 1 in the cases table, the history says 2',
    chainBrokenAt: () => firstRowOf(ids.cspr),
  },
  {
    name: 'a case moved to another partnership in the cases table and in every row of its history',
    sql: () => `UPDATE cases SET partnership = 'leicester' WHERE id = '${ids.otherDispute}'; UPDATE history SET partnership = 'leicester' WHERE case_id = '${ids.otherDispute}'`,
    caseId: () => ids.otherDispute,
    // The tables agree with each other now: only the chain shows it.
    says: () => /.*/,
    chainBrokenAt: () => firstRowOf(ids.otherDispute),
  },
];

describe('npm run verify-audit: every stored table is checked against the history', () => {
  // Each check is its own `npm run verify-audit` process; they run side by side, so the time allowed is generous.
  test.concurrent.each(edits)('$name is caught, naming the case and what differs', async (edit) => {
    const file = await tampered(edit.sql());
    const result = await runScript('scripts/verify-audit.ts', [file]);
    expect(result.code, result.stdout + result.stderr).toBe(1);
    const broken = edit.chainBrokenAt?.();
    if (broken === undefined) {
      // The history itself is intact: the chain says so, and the cases are what differ.
      expect(result.stdout).toContain('14 rows, chain intact');
      const lines = result.stderr.split('\n').filter((line) => line.includes(': case '));
      expect(lines, result.stderr).toHaveLength(1);
      const [, caseId, what] = /: case ([^:]+): (.*)$/.exec(lines[0]!)!;
      expect(caseId).toBe(edit.caseId());
      const says = edit.says();
      if (typeof says === 'string') expect(what).toBe(says);
      else expect(what).toMatch(says);
      expect(result.stderr).toContain('1 difference(s) in 1 case(s) between the stored cases and their history.');
    } else {
      expect(result.stderr).toContain(`chain BROKEN at history position ${broken.position} (case ${edit.caseId()}, seq ${broken.seq}): its contents do not match its hash: the row was edited`);
      const says = edit.says();
      if (typeof says === 'string') expect(result.stderr).toContain(`: case ${edit.caseId()}: ${says}`);
    }
  }, 120_000);
});
