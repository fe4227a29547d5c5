/**
 * What the crash runs' clients do to cases: which process they create cases of, the next event for a
 * case in a given state (each carrying the request's marker in a free-text field of its form), and
 * the checks that belong to that process alone. Tests may name partnerships, processes and states.
 */
import type { HistoryRecord } from '../../server/store/cases.ts';

/** One request a client sends: the demo user's role, the event (or `CREATE`) and its form data. */
export interface Request {
  role: string;
  type: string;
  data: Record<string, unknown>;
}

/** A history row as the checks read it. */
export type CheckedRow = Pick<HistoryRecord, 'case_id' | 'seq' | 'type' | 'from_state' | 'to_state' | 'by' | 'data' | 'effects'>;

export interface Workload {
  partnership: string;
  process: string;
  /** The roles the clients sign in as (`<partnership>.<role>`). */
  roles: readonly string[];
  /** The role among them that reads every case of the process: a client reads a case again as it. */
  reader: string;
  /**
   * The server's today, in turn: the run moves to the next day as far through its kills as the day
   * is through the list, so a timer whose date lies between two days comes due at a restart.
   */
  days: readonly string[];
  create(marker: string, today: string): Request;
  /** The next request for a case in `state`; undefined when the clients leave such a case alone. */
  nextEvent(state: string, marker: string, random: () => number, today: string): Request | undefined;
  /** Checks of one case that only this process can make (`rows` in seq order; `tasks` the case's rows of the tasks table). */
  checkCase?(caseId: string, rows: readonly CheckedRow[], tasks: readonly { done: number }[], fail: (message: string) => void): void;
}

const ATTENDED = ['lb-merton'];
const ABSENT = 'merton-ccg';

/** Merton disputes: no deadlines, timers or links, but cases that live long and collect many transitions. */
export const DISPUTES: Workload = {
  partnership: 'merton',
  process: 'dispute-resolution',
  roles: ['statutory-partner', 'independent-person', 'business-unit'],
  reader: 'business-unit',
  days: ['2020-10-01'],
  create: (marker) => ({ role: 'statutory-partner', type: 'CREATE', data: { summary: marker } }),
  nextEvent(state, marker, random, today) {
    const roll = random();
    if (roll < 0.04) return { role: 'business-unit', type: 'WITHDRAW', data: { reason: marker } };
    switch (state) {
      case 'stage-1-partners-meet':
        return { role: 'statutory-partner', type: 'UNRESOLVED', data: { attendees: ATTENDED, reason: marker } };
      case 'stage-2-arbitration':
      case 'stage-3-determination':
        if (roll < 0.08) {
          // Refused by its guard (that partner attended): must never be stored.
          return { role: 'independent-person', type: 'LETTER_SENT', data: { partner: ATTENDED[0], sentOn: today, reference: marker } };
        }
        if (roll < 0.2) {
          return state === 'stage-2-arbitration'
            ? { role: 'independent-person', type: 'UNRESOLVED', data: { reason: marker } }
            : { role: 'independent-person', type: 'DETERMINED', data: { determination: marker } };
        }
        // Recording a letter keeps the case where it is, so cases live long and collect many transitions.
        return { role: 'independent-person', type: 'LETTER_SENT', data: { partner: ABSENT, sentOn: today, reference: marker } };
      default:
        return undefined;
    }
  },
  checkCase(caseId, rows, tasks, fail) {
    // Derived rows belong to the transition that made them: tasks exist exactly when stage 1 ended unresolved.
    const escalated = rows.some((r) => r.type === 'UNRESOLVED' && r.from_state === 'stage-1-partners-meet');
    if (escalated !== tasks.length > 0) fail(`case ${caseId}: ${tasks.length} task(s), but stage 1 ${escalated ? 'was' : 'was not'} unresolved`);
    const lettered = rows.some((r) => r.type === 'LETTER_SENT');
    if (lettered !== tasks.some((t) => t.done === 1)) fail(`case ${caseId}: a letter ${lettered ? 'was' : 'was not'} recorded but the tasks disagree`);
  },
};

/** A decision date before the new arrangements, as an SCR in transition needs; `random` picks which. */
function decisionDate(random: () => number): string {
  return `2019-0${1 + Math.floor(random() * 8)}-${String(1 + Math.floor(random() * 28)).padStart(2, '0')}`;
}

/**
 * Rotherham's Serious Case Reviews in transition: every case starts two deadlines and a durable
 * timer (the grace period's end, 2020-09-30); a handover or the timer creates tasks, recording the
 * handover completes them; commissioning a local review closes the case and starts a linked review
 * case (a cspr at commissioning, with a deadline of its own). The run starts before the grace period
 * ends and moves past it half way, so the waiting timers come due at a restart.
 */
export const SCR_TRANSITIONS: Workload = {
  partnership: 'rotherham',
  process: 'scr-transition',
  roles: ['lscb', 'business-unit'],
  reader: 'business-unit',
  days: ['2020-06-01', '2020-10-01'],
  // Recorded after the grace period, the timer is due at once and fires in the creation itself.
  create: (marker) => ({ role: 'lscb', type: 'CREATE', data: { decisionDate: '2019-06-03', title: marker } }),
  nextEvent(state, marker, random, today) {
    const roll = random();
    // A correction of the decision date moves the target-publication deadline: a change of the deadlines table.
    const correction = { role: 'business-unit', type: 'CORRECT_DATES', data: { reason: marker, decisionDate: decisionDate(random) } };
    switch (state) {
      case 'in-progress':
        // Mostly corrected and left waiting, so many cases still have their timer when the grace period ends.
        return roll < 0.08 ? { role: 'lscb', type: 'HAND_OVER', data: { handedOverOn: today, completeButUnpublished: false, learning: marker } } : correction;
      case 'partners-considering':
        if (roll < 0.2) return correction;
        if (roll < 0.26) {
          // Refused by its form (no decision date): must never be stored, nor any case it would have started.
          return { role: 'business-unit', type: 'COMMISSION_LOCAL_REVIEW', data: { considerations: marker } };
        }
        if (roll < 0.5) return { role: 'business-unit', type: 'COMMISSION_LOCAL_REVIEW', data: { decidedOn: today, considerations: marker } };
        if (roll < 0.55) return { role: 'business-unit', type: 'NO_FURTHER_ACTION', data: { rationale: marker } };
        // Recording part of the handover completes one task and keeps the case where it is.
        return { role: 'business-unit', type: 'HANDOVER_RECORDED', data: { learning: marker, [random() < 0.5 ? 'handedToPartnersOn' : 'handedToDfeOn']: today } };
      default:
        return undefined;
    }
  },
};
