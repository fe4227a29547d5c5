import { expect } from 'vitest';
import type { CompiledPartnership } from '../../server/engine/catalogue.ts';
import { project, type HistoryStep } from '../../server/engine/project.ts';
import { decideCreate, decideEvent, type Decision } from '../../server/engine/step.ts';
import type { CaseHistory } from '../../server/store/reports.ts';
import { notifiableIncident, REVIEWER_MEETS_CRITERIA } from './incidents.ts';

/**
 * A year of Rotherham's cases, 2022/23 (1 April 2022 to 31 March 2023), and each annual table's figures
 * counted by hand from them. Cases start before 1 April and end after 31 March; some are recorded after
 * the fact (a veto whose conference was on 31 March, entered on 3 April); the bank holidays of 2022 (the
 * Jubilee on 2 and 3 June, the Queen's funeral on 19 September, Easter) move working-day figures.
 *
 * The year is written once, against a driver: tests/http/annual-report.test.ts drives it through the
 * HTTP API with the server's "today" moved between steps, tests/cases/annual-year.test.ts through the
 * engine alone, so that the tables' rules are pinned without a server.
 */
export interface YearDriver {
  /** Makes `date` (London's) today for what follows. */
  on(date: string): Promise<void>;
  /** Starts a case as `<partnership>.<role>`, remembered as `key`. */
  create(key: string, role: string, process: string, data: Record<string, unknown>): Promise<void>;
  /** Sends an event to the case remembered as `key`; the year's data must be accepted. */
  step(key: string, role: string, type: string, data?: Record<string, unknown>): Promise<void>;
}

export const YEAR_PARTNERSHIP = 'rotherham';
/** The server's today when the year has been driven. */
export const DRIVEN_UNTIL = '2023-04-05';

const dispute = (scope: string, summary: string) => ({ scope, summary, agenciesInvolved: ['Rotherham Council'] });
const veto = (conferenceDate: string, vetoEffect?: string) => ({
  conferenceDate,
  majorityDecision: 'No child protection plan',
  chairDecision: 'Remain subject to a child protection plan',
  rationale: 'Risk not yet reduced',
  ...(vetoEffect === undefined ? {} : { vetoEffect }),
});

export async function driveYear({ on, create, step }: YearDriver): Promise<void> {
  await on('2022-03-10');
  // A0: an appraisal referred before the year, never scheduled: open on 31 March 2023.
  await create('A0', 'practitioner', 'practice-appraisal', { referredOn: '2022-03-10', referralReason: 'cause-for-concern', summary: 'A0' });

  await on('2022-03-25');
  // D1: raised before the year, escalated at once, resolved in it.
  await create('D1', 'practitioner', 'dispute-resolution', dispute('individual-child', 'D1'));
  await step('D1', 'practitioner', 'ESCALATE', { reason: 'Not agreed' });

  await on('2022-04-20');
  await step('D1', 'executive-group', 'RESOLVED', { outcome: 'Agreed at the Executive Group' });
  // V1: the conference was before the year; reviewed (disagreeing) at a meeting in it, closed in it with one briefing.
  await create('V1', 'conference-chair', 'veto-review', veto('2022-03-29', 'remains-subject-to-plan'));
  await step('V1', 'practice-standards-group', 'SCHEDULE', { meetingDate: '2022-04-12' });
  await step('V1', 'practice-standards-group', 'REVIEW', { outcome: 'disagrees-with-veto', advice: 'Advice' });
  await step('V1', 'practice-standards-group', 'CLOSE', { learningOutputs: [{ kind: 'seven-minute-briefing', title: 'Hearing the Voice of the Child' }] });

  await on('2022-05-10');
  // S1: aware on 28 March 2022 (before the year); every later step in the year or after it.
  await create('S1', 'local-authority', 'cspr', notifiableIncident('2022-03-28'));
  await step('S1', 'local-authority', 'NOTIFIED', { partnersNotifiedOn: '2022-04-01', panelNotifiedOn: '2022-04-01' });
  await step('S1', 'practice-review-panel', 'RECOMMEND', { completedOn: '2022-04-25', recommendation: 'local-review', rationale: 'Learning' });
  await step('S1', 'independent-chair', 'DECIDE', {
    decision: 'local-review', decidedOn: '2022-05-03', rationale: 'Learning', panelInformedOn: '2022-04-27', familyInformedOn: '2022-05-04',
  });
  await step('S1', 'business-unit', 'COMMISSIONED', { reviewerName: 'A Reviewer', reviewerCriteria: REVIEWER_MEETS_CRITERIA, panelOfstedDfeInformedOn: '2022-05-10' });
  // D7: raised and withdrawn in the year, at the lowest level.
  await create('D7', 'practitioner', 'dispute-resolution', dispute('individual-child', 'D7'));
  await step('D7', 'practitioner', 'WITHDRAW', { reason: 'Sorted out' });

  await on('2022-06-01');
  await create('D2', 'practitioner', 'dispute-resolution', dispute('individual-child', 'D2'));
  await on('2022-06-10');
  await step('D2', 'practitioner', 'RESOLVED', { outcome: 'Agreed between the professionals' });

  await on('2022-07-01');
  await create('V2', 'conference-chair', 'veto-review', veto('2022-06-06', 'remains-subject-to-plan'));
  await step('V2', 'practice-standards-group', 'SCHEDULE', { meetingDate: '2022-06-20' });
  await step('V2', 'practice-standards-group', 'REVIEW', { outcome: 'agrees-with-veto', advice: 'Advice' });
  await step('V2', 'practice-standards-group', 'CLOSE', {
    learningOutputs: [
      { kind: 'seven-minute-briefing', title: 'Working Together with Parental Conflict over Contact' },
      { kind: 'learning-on-a-page', title: 'Working with Disguised Compliance and Splitting' },
    ],
  });

  await on('2022-07-04');
  // S5: aware on 20 April 2022; partners told late; the Panel declines a national review; report withheld.
  await create('S5', 'local-authority', 'cspr', notifiableIncident('2022-04-20'));
  await step('S5', 'local-authority', 'NOTIFIED', { partnersNotifiedOn: '2022-04-29', panelNotifiedOn: '2022-04-26' });
  await step('S5', 'practice-review-panel', 'RECOMMEND', { completedOn: '2022-05-18', recommendation: 'national-review', rationale: 'National' });
  await step('S5', 'independent-chair', 'DECIDE', {
    decision: 'national-review', decidedOn: '2022-05-24', rationale: 'National', panelInformedOn: '2022-05-19', familyInformedOn: '2022-05-25',
  });
  await step('S5', 'business-unit', 'PANEL_RESPONDED', { panelDecision: 'local-review' });
  await step('S5', 'business-unit', 'COMMISSIONED', { reviewerName: 'B Reviewer', reviewerCriteria: REVIEWER_MEETS_CRITERIA, panelOfstedDfeInformedOn: '2022-07-04' });

  await on('2022-08-01');
  // A1: the year's one appraisal, closed with no learning published.
  await create('A1', 'practice-standards-group', 'practice-appraisal', { referredOn: '2022-05-16', referralReason: 'cause-for-concern', summary: 'A1' });
  await step('A1', 'practice-standards-group', 'SCHEDULE', { meetingDate: '2022-06-14' });
  await step('A1', 'practice-standards-group', 'APPRAISED', { themes: ['information-sharing'], findings: 'Findings' });
  await step('A1', 'practice-standards-group', 'CLOSE', { learningOutputs: [] });

  await on('2022-09-12');
  // D3: systemic, escalated to arbitration at once, determined in January.
  await create('D3', 'practitioner', 'dispute-resolution', dispute('systemic', 'D3'));
  await step('D3', 'executive-group', 'ESCALATE', { reason: 'No agreement' });
  await step('D3', 'independent-chair', 'ESCALATE', { reason: 'No agreement' });

  await on('2022-10-03');
  // S2: a looked-after child's death without abuse or neglect suspected: not notifiable, closed without a rapid review.
  await create('S2', 'local-authority', 'cspr', { awareOn: '2022-09-14', childDied: true, seriouslyHarmed: false, abuseOrNeglectKnownOrSuspected: false, lookedAfterChild: true, inArea: true });
  await step('S2', 'local-authority', 'NOTIFIED', { secretaryOfStateAndOfstedNotifiedOn: '2022-09-22' });
  await step('S2', 'business-unit', 'CLOSED_WITHOUT_REVIEW', {
    closedBecause: 'looked-after-death-without-abuse-or-neglect', decidedOn: '2022-10-03', rationale: 'Natural causes', familyInformedOn: '2022-10-03',
  });

  await on('2022-11-01');
  await step('S1', 'business-unit', 'FINAL_REPORT_RECEIVED', { receivedOn: '2022-11-01' });

  await on('2022-11-28');
  // V3: reviewed in the year, closed after it: still in feedback on 31 March.
  await create('V3', 'conference-chair', 'veto-review', veto('2022-11-14', 'remains-subject-to-plan'));
  await step('V3', 'practice-standards-group', 'SCHEDULE', { meetingDate: '2022-11-28' });
  await step('V3', 'practice-standards-group', 'REVIEW', { outcome: 'agrees-with-veto', advice: 'Advice' });

  await on('2023-01-10');
  await step('D3', 'independent-chair', 'DETERMINED', { determination: 'Determined at the Chief Officer Group' });

  await on('2023-01-16');
  await step('S1', 'business-unit', 'PUBLISH', { publishedOn: '2023-01-16', sentToPanelAndOfstedOn: '2023-01-04', sentToSecretaryOfStateOn: '2023-01-04' });
  // S1's action plan: one action due within the year, one after it.
  await step('S1', 'business-unit', 'ACTION_UPDATED', { action: 'Audit transfers between areas', owner: 'Rotherham Council', due: '2023-02-28', status: 'In progress' });
  await step('S1', 'business-unit', 'ACTION_UPDATED', { action: 'Train health visitors', owner: 'South Yorkshire ICB', due: '2023-06-30', status: 'not started' });

  await on('2023-03-20');
  await create('D4', 'practitioner', 'dispute-resolution', dispute('individual-child', 'D4'));
  await step('D4', 'practitioner', 'ESCALATE', { reason: 'Not agreed' });

  await on('2023-03-22');
  await step('S5', 'business-unit', 'FINAL_REPORT_RECEIVED', { receivedOn: '2022-12-01' });
  await step('S5', 'business-unit', 'WITHHOLD_PUBLICATION', {
    reason: 'The family could be identified', improvementsPublishedOn: '2023-03-20', sentToPanelAndOfstedOn: '2023-03-01', sentToSecretaryOfStateOn: '2023-03-01',
  });
  // S5's one action, due and done within the year.
  await step('S5', 'business-unit', 'ACTION_UPDATED', { action: 'Publish the improvements', owner: 'Rotherham Council', due: '2023-03-10', status: 'complete', actionCompletedOn: '2023-03-21' });

  await on('2023-03-27');
  // S3: a looked-after child died with abuse suspected (notifiable too), aware on 27 March: its deadlines fall due after the year.
  await create('S3', 'local-authority', 'cspr', notifiableIncident('2023-03-27', { childDied: true, seriouslyHarmed: false, lookedAfterChild: true }));

  await on('2023-03-30');
  await create('D5', 'practitioner', 'dispute-resolution', dispute('systemic', 'D5'));
  await create('V4', 'conference-chair', 'veto-review', veto('2023-03-27', 'remains-subject-to-plan'));
  await step('V4', 'practice-standards-group', 'SCHEDULE', { meetingDate: '2023-04-17' });

  await on('2023-04-03');
  await step('D5', 'practitioner', 'WITHDRAW', { reason: 'No longer needed' });
  await create('D6', 'practitioner', 'dispute-resolution', dispute('individual-child', 'D6'));
  // V5: the conference was on 31 March, recorded after the year: counted in it, though not open on 31 March.
  await create('V5', 'conference-chair', 'veto-review', veto('2023-03-31'));

  await on('2023-04-04');
  // S4: not notifiable, referred to the partners to consider a local review; aware in the year, recorded after it.
  await create('S4', 'local-authority', 'cspr', {
    awareOn: '2023-03-30', childDied: false, seriouslyHarmed: true, abuseOrNeglectKnownOrSuspected: false, lookedAfterChild: false, inArea: true, referredForLocalReview: true,
  });

  await on(DRIVEN_UNTIL);
  await step('D4', 'executive-group', 'RESOLVED', { outcome: 'Agreed' });
  await step('V3', 'practice-standards-group', 'CLOSE', { learningOutputs: [{ kind: 'learning-on-a-page', title: 'After the year' }] });
  // Done after the year: the table still shows it in progress, and overdue, on 31 March.
  await step('S1', 'business-unit', 'ACTION_UPDATED', { actionId: '1', action: 'Audit transfers between areas', owner: 'Rotherham Council', due: '2023-02-28', status: 'complete', actionCompletedOn: '2023-04-05' });
}

/** The open serious incidents' table lists every stage a case can wait in, in order; these counts are nought but those given. */
function openIncidents(counts: Record<string, number[]>): Record<string, number[]> {
  const stages = ['Notification', 'Rapid review', "Awaiting the Independent Chair Assurance Group's decision", 'Awaiting the National Panel', 'Commissioning a reviewer', 'Review in progress', 'Preparing publication', 'Action plan'];
  return { ...Object.fromEntries(stages.map((stage) => [stage, counts[stage] ?? [0]])), Total: counts.Total! };
}

/**
 * The year driven through the engine alone (no server, no store): each step decided as the server
 * decides it, at midday UTC on the driver's date, each case's history as the store would hand it
 * over, by the year's key for the case (`D1`, `S5`).
 */
export async function yearThroughEngine(partnership: CompiledPartnership): Promise<Map<string, CaseHistory>> {
  const histories = new Map<string, CaseHistory>();
  let at = '';
  const record = (key: string, process: string, decision: Decision, earlier: HistoryStep[]) => {
    // Linked cases would need the service's naming; the year starts none, and must not start any unseen.
    expect(decision.startCases, key).toEqual([]);
    const version = partnership.processes.get(process)!.def.version;
    histories.set(key, { id: key, process, processVersion: version, reference: null, steps: [...earlier, ...decision.steps] });
  };
  const actor = (role: string) => ({ username: `${YEAR_PARTNERSHIP}.${role}`, roles: [role] });
  await driveYear({
    async on(date) {
      at = `${date}T12:00:00.000Z`;
    },
    async create(key, role, processId, data) {
      const process = partnership.processes.get(processId)!;
      record(key, processId, decideCreate(partnership, process, { data, actor: actor(role), at }), []);
    },
    async step(key, role, type, data = {}) {
      const history = histories.get(key)!;
      const process = partnership.processes.get(history.process)!;
      const current = project(partnership, process, history.steps)!;
      record(key, history.process, decideEvent(partnership, process, current, { type, data, actor: actor(role), at }), history.steps);
    },
  });
  return histories;
}

/**
 * Each table of 2022/23 as a person reads it: `row label → the counts in column order`, the total last.
 * Every figure is counted by hand from the year above.
 */
export const FIGURES_2022: Record<string, Record<string, number[]>> = {
  // Vetoes by conference date: V2 (6 Jun), V3 (14 Nov), V4 (27 Mar), V5 (31 Mar, recorded 3 Apr) = 4; V1's conference
  // was on 29 March 2022, before the year. Appraisals by referral date: A1 (16 May) = 1; A0 was referred before.
  'practice-standards-referrals': { "Requests to review a Case Conference Chair's veto": [4], Appraisals: [1], Total: [5] },
  // V2, V3, V4 remain subject to a plan; V5 did not say.
  'veto-effects': {
    'The child remains subject to a child protection plan': [3],
    'The child becomes subject to a child protection plan': [0],
    'The child is not, or is no longer, subject to a child protection plan': [0],
    'Not recorded': [1],
    Total: [4],
  },
  // Reviews by their meeting's date: V1 (12 Apr, disagrees), V2 (20 Jun, agrees), V3 (28 Nov, agrees); V4 meets after the year.
  'veto-outcomes': { 'The group agrees with the veto': [2], 'The group disagrees with the veto': [1], Total: [3] },
  'appraisals-by-reason': {
    'There was cause for concern, below the threshold for a serious incident notification or a practice review': [1],
    'Outstanding practice is recognised': [0],
    Total: [1],
  },
  // Closed in the year: V1 (20 Apr) a briefing; V2 (1 Jul) a briefing and a learning on a page; A1 (1 Aug) none; V3 closed on 5 April 2023.
  'learning-outputs': { '7-minute briefing': [2], 'Learning on a page': [1], Total: [3] },
  // Raised in the year: D7, D2, D4 about a child; D3, D5 systemic. D1 (25 Mar 2022) and D6 (3 Apr 2023) are outside it.
  'escalations-by-scope': { "About an individual child's circumstances": [3], 'A systemic issue': [2], Total: [5] },
  // Furthest by 31 March: D7, D2 between professionals; D4 (escalated 20 Mar), D5 at the Executive Group; D3 at arbitration.
  'escalations-by-level': {
    'Resolution between professionals': [2],
    'Executive Group and Independent Chair': [2],
    'Chief Officer Group': [0],
    'Independent Chair arbitrates': [1],
    Total: [5],
  },
  // Resolved in the year, working days from raised to resolved:
  //   D1 25 Mar → 20 Apr 2022: 16 (Good Friday and Easter Monday are not counted) → 6 to 20;
  //   D2 1 Jun → 10 Jun 2022: 5 (not 7: the Jubilee bank holidays on 2 and 3 June) → within 5;
  //   D3 12 Sep 2022 → 10 Jan 2023: 82 → more than 60. D4 was resolved on 5 April 2023, after the year.
  'escalations-time-to-resolve': {
    'Within 5 working days': [1],
    '6 to 20 working days': [1],
    '21 to 60 working days': [0],
    'More than 60 working days': [1],
    Total: [3],
  },
  // Open on 31 March 2023: D4 (escalated) and D5 (systemic; withdrawn on 3 April), both at the Executive Group.
  'open-escalations': {
    'Resolution between professionals': [0],
    'Executive Group and Independent Chair': [2],
    'Chief Officer Group': [0],
    'Independent Chair arbitrates': [0],
    Total: [2],
  },
  // Aware in the year: S5 (notifiable), S2 (looked-after death), S3 (both), S4 (referred; recorded on 4 April). S1 before.
  'serious-incidents-by-ground': {
    'Notifiable to the National Panel': [2],
    'A looked-after child died': [2],
    'Referred to the partners to consider a local review': [1],
    Total: [4],
  },
  // Decided in the year: S1 local review (3 May), S5 refer to the National Panel (24 May).
  'rapid-review-decisions': {
    'Carry out a local child safeguarding practice review': [1],
    'Refer to the National Panel': [1],
    'No review': [0],
    Total: [2],
  },
  // Commissioned: S1 (10 May), S5 (4 Jul); published: S1 (16 Jan); withheld: S5 (improvements published 20 Mar).
  'local-reviews': { Commissioned: [2], 'Report published': [1], 'Report withheld and the improvements published': [1], Total: [4] },
  // Met / missed / not met yet:
  //   notify the Panel: S1 due 4 Apr (1 Apr, met), S5 due 27 Apr (26 Apr, met); S3's is due 3 April 2023;
  //   tell the partners: S1 met, S5 missed (29 Apr);
  //   Secretary of State and Ofsted: S2 due 22 Sep (the funeral's bank holiday on 19 Sep), told 22 Sep: met;
  //   rapid review: S1 due 26 Apr (25 Apr), S5 due 18 May (18 May): both met;
  //   the Panel receives it: S1 27 Apr and S5 19 May, each a day late: both missed;
  //   final report: S1 due 3 Nov (1 Nov, met), S5 due 24 Nov (1 Dec, missed).
  'serious-incident-deadlines': {
    'Notify the National Panel': [2, 0, 0],
    'Tell the safeguarding partners': [1, 1, 0],
    "Notify the Secretary of State and Ofsted of the looked-after child's death": [1, 0, 0],
    'Complete the rapid review': [2, 0, 0],
    'Send the rapid review to the National Panel': [0, 2, 0],
    'Receive the final report': [1, 1, 0],
    Total: [7, 4, 0],
  },
  // Status on 31 March, and overdue then: S1's "Audit transfers" in progress (due 28 Feb, done only on 5 April) and
  // "Train health visitors" not started (due 30 June: not yet overdue); S5's "Publish the improvements", complete on 21 March.
  'action-plans': { 'Not started': [1, 0], 'In progress': [1, 1], Complete: [1, 0], 'No longer needed': [0, 0], Total: [3, 1] },
  // S1 and S5 in the action plan; S3 awaiting notification. S2 closed; S4 recorded after the year.
  'open-serious-incidents': openIncidents({ Notification: [1], 'Action plan': [2], Total: [3] }),
  // V3 in feedback (closed on 5 April), V4 scheduled; V5 was not yet recorded.
  'open-veto-reviews': { 'Referred to the Practice Standards Group': [0], 'Awaiting review': [1], 'Feedback and learning': [1], Total: [2] },
  // A0, referred in March 2022, never scheduled.
  'open-appraisals': { 'Referred to the Practice Standards Group': [1], 'Awaiting appraisal': [0], 'Findings and learning': [0], Total: [1] },
};

/** Every table of 2021/22, which the year above reaches into: nought wherever nothing of it happened before 1 April 2022. */
export const FIGURES_2021: Record<string, Record<string, number[]>> = {
  ...Object.fromEntries(Object.entries(FIGURES_2022).map(([id, rows]) => [id, Object.fromEntries(Object.entries(rows).map(([label, counts]) => [label, counts.map(() => 0)]))])),
  // S1 (aware 28 Mar 2022) is the year's one incident, recorded only on 10 May 2022, so not open on 31 March.
  'serious-incidents-by-ground': {
    'Notifiable to the National Panel': [1],
    'A looked-after child died': [0],
    'Referred to the partners to consider a local review': [0],
    Total: [1],
  },
  // V1's conference (29 Mar 2022) is its one veto, remaining subject to a plan (no row for a veto not recorded:
  // there was none); A0 (10 Mar 2022) its one appraisal, for cause for concern, and open on 31 March.
  'practice-standards-referrals': { "Requests to review a Case Conference Chair's veto": [1], Appraisals: [1], Total: [2] },
  'veto-effects': {
    'The child remains subject to a child protection plan': [1],
    'The child becomes subject to a child protection plan': [0],
    'The child is not, or is no longer, subject to a child protection plan': [0],
    Total: [1],
  },
  'appraisals-by-reason': {
    'There was cause for concern, below the threshold for a serious incident notification or a practice review': [1],
    'Outstanding practice is recognised': [0],
    Total: [1],
  },
  'open-appraisals': { 'Referred to the Practice Standards Group': [1], 'Awaiting appraisal': [0], 'Findings and learning': [0], Total: [1] },
  // D1, raised on 25 March 2022 about a child and escalated at once: at the Executive Group, and open, on 31 March.
  'escalations-by-scope': { "About an individual child's circumstances": [1], 'A systemic issue': [0], Total: [1] },
  'escalations-by-level': {
    'Resolution between professionals': [0],
    'Executive Group and Independent Chair': [1],
    'Chief Officer Group': [0],
    'Independent Chair arbitrates': [0],
    Total: [1],
  },
  'open-escalations': {
    'Resolution between professionals': [0],
    'Executive Group and Independent Chair': [1],
    'Chief Officer Group': [0],
    'Independent Chair arbitrates': [0],
    Total: [1],
  },
};

/** The veto-effects table of 2022/23 as CSV lines (after the byte order mark): the year in UK dates, labels quoted where they hold a comma. */
export const VETO_EFFECTS_CSV_2022 = [
  '"Case Conference Chairs\' vetoes by their effect, 01/04/2022 to 31/03/2023"',
  'Effect of the veto,Vetoes',
  'The child remains subject to a child protection plan,3',
  'The child becomes subject to a child protection plan,0',
  '"The child is not, or is no longer, subject to a child protection plan",0',
  'Not recorded,1',
  'Total,4',
];

/** The shape of a table as the API and server/cases/annual-report.ts give it. */
export interface FiguredTable {
  columns: { id: string }[];
  rows: { label: string; values: Record<string, number> }[];
  total: Record<string, number>;
}

/** A table as `label → the counts in column order`, with its total last, as a person reads it. */
export function figures(table: FiguredTable | undefined): Record<string, number[]> {
  if (table === undefined) throw new Error('no such table');
  const counts = table.columns.filter((c) => c.id !== 'label');
  return {
    ...Object.fromEntries(table.rows.map((r) => [r.label, counts.map((c) => r.values[c.id] ?? 0)])),
    Total: counts.map((c) => table.total[c.id] ?? 0),
  };
}
