/**
 * How two processes (two partnerships' variants, or two versions of one) differ, in words a business
 * unit reads: states, events, roles, guards, deadlines, timers and form fields. Pure: `npx workflows
 * diff` prints it, and the configuration pages show it (between versions, and for an uploaded change).
 */
import { formsOf, routesOf, sourceStates, type CompiledPartnership, type CompiledProcess } from '../engine/catalogue.ts';
import type { Condition, EventDef, ValueExpr } from '../engine/definition.ts';

// ------------------------------------------------------------------ saying rules in words

interface Side {
  name: string;
  partnership: CompiledPartnership;
  process: CompiledProcess;
  /** Field name → its question, from the forms the process uses. */
  questions: Map<string, string>;
}

const quote = (s: string) => `"${s}"`;

function fieldWords(side: Side, field: string): string {
  const q = side.questions.get(field);
  return q === undefined ? `the answer ${field}` : `${quote(q)}`;
}

function days(n: number, kind: string): string {
  return `${n} ${kind}${n === 1 ? '' : 's'}`;
}

function valueWords(side: Side, v: ValueExpr): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v);
  if ('field' in v) return fieldWords(side, v.field);
  if ('date' in v) return `the partnership's date ${v.date}${side.partnership.def.dates?.[v.date] ? ` (${side.partnership.def.dates[v.date]})` : ''}`;
  if ('today' in v) return 'today';
  if ('deadline' in v) return `the due date of ${quote(side.process.def.deadlines?.[v.deadline]?.label ?? v.deadline)}`;
  if ('statutoryPartners' in v) return 'the statutory partners';
  if ('group' in v) return `the group holding the duty "${v.group}" on the day`;
  if ('workingDaysAfter' in v) return `${days(v.workingDaysAfter[1], 'working day')} after ${valueWords(side, v.workingDaysAfter[0])}`;
  if ('workingDaysBefore' in v) return `${days(v.workingDaysBefore[1], 'working day')} before ${valueWords(side, v.workingDaysBefore[0])}`;
  if ('calendarDaysAfter' in v) return `${days(v.calendarDaysAfter[1], 'day')} after ${valueWords(side, v.calendarDaysAfter[0])}`;
  if ('monthsAfter' in v) return `${days(v.monthsAfter[1], 'month')} after ${valueWords(side, v.monthsAfter[0])}`;
  if ('earliest' in v) return `the earliest of ${v.earliest.map((x) => valueWords(side, x)).join(', ')}`;
  if ('firstPresent' in v) return `the first given of ${v.firstPresent.map((x) => valueWords(side, x)).join(', ')}`;
  if ('without' in v) return `${valueWords(side, v.without[0])} except ${valueWords(side, v.without[1])}`;
  if ('pluck' in v) return `the ${v.pluck.key} of ${valueWords(side, v.pluck.from)}`;
  if ('sum' in v) return `the total${v.sum.key ? ` ${v.sum.key}` : ''} of ${valueWords(side, v.sum.from)}`;
  return JSON.stringify(v);
}

function conditionWords(side: Side, c: Condition): string {
  if ('all' in c) return c.all.map((x) => conditionWords(side, x)).join(' and ');
  if ('any' in c) return `either ${c.any.map((x) => conditionWords(side, x)).join(' or ')}`;
  if ('not' in c) return `not (${conditionWords(side, c.not)})`;
  if ('implies' in c) return `if ${conditionWords(side, c.implies[0])} then ${conditionWords(side, c.implies[1])}`;
  if ('ref' in c) {
    const named = side.process.def.conditions?.[c.ref];
    return named === undefined ? c.ref : conditionWords(side, named);
  }
  if ('isTrue' in c) return `${valueWords(side, c.isTrue)} is yes`;
  if ('present' in c) return `${valueWords(side, c.present)} is given`;
  if ('equals' in c) return `${valueWords(side, c.equals[0])} is ${valueWords(side, c.equals[1])}`;
  if ('before' in c) return `${valueWords(side, c.before[0])} is before ${valueWords(side, c.before[1])}`;
  if ('onOrBefore' in c) return `${valueWords(side, c.onOrBefore[0])} is on or before ${valueWords(side, c.onOrBefore[1])}`;
  if ('includes' in c) return `${valueWords(side, c.includes[0])} include ${valueWords(side, c.includes[1])}`;
  if ('includesAll' in c) return `${valueWords(side, c.includesAll[0])} include all of ${valueWords(side, c.includesAll[1])}`;
  return JSON.stringify(c);
}

// ------------------------------------------------------------------ comparing

/** A process to compare, with the partnership (and so the forms) it is read under. */
export interface Compared {
  /** How to name it to the reader: `partnership/process`, `@version`, "the uploaded file". */
  name: string;
  partnership: CompiledPartnership;
  process: CompiledProcess;
}

function sideOf(resolved: Compared): Side {
  const questions = new Map<string, string>();
  // The question as first asked: the start form, then the events' forms, corrections last.
  const { def } = resolved.process;
  const ordered = [def.start.form, ...def.events.filter((e) => e.corrects === undefined).map((e) => e.form), ...formsOf(def)];
  for (const formId of new Set(ordered.filter((f): f is string => typeof f === 'string'))) {
    const props = (resolved.partnership.forms.get(formId)?.schema.properties ?? {}) as Record<string, { title?: string }>;
    for (const [field, prop] of Object.entries(props)) if (prop.title && !questions.has(field)) questions.set(field, prop.title);
  }
  return { name: resolved.name, partnership: resolved.partnership, process: resolved.process, questions };
}

const roleName = (side: Side, role: string) => side.partnership.def.roles.find((r) => r.id === role)?.label ?? role;
const stateName = (side: Side, id: string) => `${quote(side.process.def.states[id]?.label ?? id)} (${id})`;
const list = (xs: string[]) => (xs.length === 0 ? 'nobody' : xs.length === 1 ? xs[0]! : `${xs.slice(0, -1).join(', ')} and ${xs.at(-1)}`);
const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

function rolesOf(process: CompiledProcess): string[] {
  return [...new Set([...process.def.start.roles, ...process.def.events.flatMap((e) => e.roles)])];
}

function targetsWords(side: Side, event: EventDef): string {
  const routes = routesOf(event);
  if (routes.length === 0) return 'stays where it is';
  if (routes.length === 1 && routes[0]!.when === undefined) return `moves to ${stateName(side, routes[0]!.to)}`;
  return routes.map((r) => `${r.when ? `when ${conditionWords(side, r.when)}, ` : 'otherwise '}to ${stateName(side, r.to)}`).join('; ');
}

/** An event type, over every definition of it (one type may leave different states under different rules). */
interface EventSummary {
  label: string;
  roles: string[];
  from: string[];
  targets: string;
  /** Where it goes, by state ids and conditions: a renamed state alone does not change it. */
  routes: string;
  forms: string[];
}

function eventsByType(side: Side): Map<string, EventSummary> {
  const byType = new Map<string, EventDef[]>();
  for (const e of side.process.def.events) byType.set(e.type, [...(byType.get(e.type) ?? []), e]);
  return new Map(
    [...byType].map(([type, defs]) => {
      const froms = defs.map((e) => sourceStates(e, side.process.def.states));
      const targets =
        defs.length === 1
          ? `it ${targetsWords(side, defs[0]!)}`
          : defs.map((e, i) => `from ${list(froms[i]!.map((s) => stateName(side, s)))} it ${targetsWords(side, e)}`).join('; ');
      return [
        type,
        {
          label: [...new Set(defs.map((e) => e.label))].join(' / '),
          roles: [...new Set(defs.flatMap((e) => e.roles))],
          from: [...new Set(froms.flat())],
          targets,
          routes: JSON.stringify(defs.map((e, i) => [froms[i], e.to ?? null, e.routes ?? null])),
          forms: [...new Set(defs.map((e) => e.form ?? 'none'))],
        },
      ];
    }),
  );
}

/** How a field's accepted answers changed: its choices, or each rule that changed. */
function answersChange(before: Record<string, unknown>, after: Record<string, unknown>): string {
  const choicesOf = (x: Record<string, unknown> | undefined): unknown[] | undefined => {
    if (x === undefined) return undefined;
    if (Array.isArray(x.enum)) return x.enum;
    if (Array.isArray(x.oneOf) && x.oneOf.every((o) => o !== null && typeof o === 'object' && 'const' in o)) return x.oneOf.map((o) => (o as { const: unknown }).const);
    return undefined;
  };
  const choices = (x: Record<string, unknown>) => choicesOf(x) ?? choicesOf(x.items as Record<string, unknown> | undefined);
  const was = choices(before);
  const now = choices(after);
  const said: string[] = [];
  if (was !== undefined && now !== undefined) {
    const added = now.filter((c) => !was.some((w) => same(w, c)));
    const removed = was.filter((w) => !now.some((c) => same(w, c)));
    if (added.length > 0) said.push(`now also accepts ${list(added.map((c) => JSON.stringify(c)))}`);
    if (removed.length > 0) said.push(`no longer accepts ${list(removed.map((c) => JSON.stringify(c)))}`);
  } else if (was !== undefined) {
    said.push(`is answered in the person's own words, no longer a choice of ${list(was.map((c) => JSON.stringify(c)))}`);
  } else if (now !== undefined) {
    said.push(`is a choice of ${list(now.map((c) => JSON.stringify(c)))}, no longer answered in the person's own words`);
  }
  const skip = new Set(was !== undefined || now !== undefined ? ['enum', 'items', 'oneOf'] : []);
  for (const key of [...new Set([...Object.keys(before), ...Object.keys(after)])]) {
    if (skip.has(key) || same(before[key], after[key])) continue;
    const show = (v: unknown) => (v === undefined ? 'none' : JSON.stringify(v).length > 60 ? 'another value' : JSON.stringify(v));
    said.push(`${key} is ${show(after[key])}, not ${show(before[key])}`);
  }
  return said.length > 0 ? said.join('; ') : 'accepts different answers';
}

/** One part of a difference (states, events, ...), each line starting `+`, `-` or `~`. */
export interface Section {
  title: string;
  lines: string[];
}

function compare(a: Side, b: Side): Section[] {
  const A = a.process.def;
  const B = b.process.def;
  const sections: Section[] = [];
  const section = (title: string) => {
    const s: Section = { title, lines: [] };
    sections.push(s);
    return s.lines;
  };

  const general = section('The process');
  if (A.title !== B.title) general.push(`~ its title is ${quote(B.title)}, not ${quote(A.title)}`);
  const startA = routesOf(A.start).map((r) => r.to);
  const startB = routesOf(B.start).map((r) => r.to);
  if (!same(startA, startB)) general.push(`~ a case starts in ${list(startB.map((s) => stateName(b, s)))}, not ${list(startA.map((s) => stateName(a, s)))}`);
  if (!same([...A.start.roles].sort(), [...B.start.roles].sort())) {
    general.push(`~ it is started by ${list(B.start.roles.map((r) => roleName(b, r)))}, not ${list(A.start.roles.map((r) => roleName(a, r)))}`);
  }
  if ((A.start.form ?? null) !== (B.start.form ?? null)) general.push(`~ its start form is ${B.start.form ?? 'none'}, not ${A.start.form ?? 'none'}`);

  const states = section('States');
  for (const id of Object.keys(A.states)) if (!(id in B.states)) states.push(`- removed: ${stateName(a, id)}${A.states[id]!.final ? ', a final state' : ''}`);
  for (const id of Object.keys(B.states)) if (!(id in A.states)) states.push(`+ added: ${stateName(b, id)}${B.states[id]!.final ? ', a final state' : ''}`);
  for (const [id, sa] of Object.entries(A.states)) {
    const sb = B.states[id];
    if (sb === undefined) continue;
    if (sa.label !== sb.label) states.push(`~ ${id} is now called ${quote(sb.label)}, not ${quote(sa.label)}`);
    if ((sa.final === true) !== (sb.final === true)) states.push(`~ ${stateName(b, id)} is ${sb.final ? 'now' : 'no longer'} a final state`);
  }

  const timers = section('Timers');
  const timersOf = (side: Side) =>
    new Map(Object.entries(side.process.def.states).flatMap(([state, s]) => (s.timers ?? []).map((t) => [`${state}|${t.event}`, { state, ...t }] as const)));
  const ta = timersOf(a);
  const tb = timersOf(b);
  for (const [key, t] of ta) if (!tb.has(key)) timers.push(`- removed: in ${stateName(a, t.state)}, the engine no longer sends ${t.event} on ${valueWords(a, t.at)}`);
  for (const [key, t] of tb) if (!ta.has(key)) timers.push(`+ added: in ${stateName(b, t.state)}, the engine sends ${t.event} on ${valueWords(b, t.at)}`);
  for (const [key, t] of ta) {
    const u = tb.get(key);
    if (u !== undefined && !same(t.at, u.at)) timers.push(`~ in ${stateName(b, t.state)}, ${t.event} is sent on ${valueWords(b, u.at)}, not ${valueWords(a, t.at)}`);
  }

  const events = section('Events');
  const eventsA = eventsByType(a);
  const eventsB = eventsByType(b);
  for (const [type, e] of eventsA) if (!eventsB.has(type)) events.push(`- removed: ${quote(e.label)} (${type})`);
  for (const [type, e] of eventsB) {
    if (eventsA.has(type)) continue;
    events.push(`+ added: ${quote(e.label)} (${type}), sent by ${list(e.roles.map((r) => roleName(b, r)))} from ${list(e.from.map((s) => stateName(b, s)))}; ${e.targets}`);
  }
  for (const [type, ea] of eventsA) {
    const eb = eventsB.get(type);
    if (eb === undefined) continue;
    const name = `${quote(eb.label)} (${type})`;
    if (ea.label !== eb.label) events.push(`~ ${type} is now called ${quote(eb.label)}, not ${quote(ea.label)}`);
    if (!same([...ea.roles].sort(), [...eb.roles].sort())) {
      const added = eb.roles.filter((r) => !ea.roles.includes(r));
      const removed = ea.roles.filter((r) => !eb.roles.includes(r));
      events.push(`~ ${name} ${[added.length ? `may now also be sent by ${list(added.map((r) => roleName(b, r)))}` : '', removed.length ? `may no longer be sent by ${list(removed.map((r) => roleName(a, r)))}` : ''].filter(Boolean).join(', and ')}`);
    }
    if (!same([...ea.from].sort(), [...eb.from].sort())) {
      const added = eb.from.filter((s) => !ea.from.includes(s));
      const removed = ea.from.filter((s) => !eb.from.includes(s));
      events.push(`~ ${name} ${[added.length ? `may now also be sent from ${list(added.map((s) => stateName(b, s)))}` : '', removed.length ? `may no longer be sent from ${list(removed.map((s) => stateName(a, s)))}` : ''].filter(Boolean).join(', and ')}`);
    }
    else if (ea.routes !== eb.routes) events.push(`~ ${name}: ${eb.targets}, where before ${ea.targets}`);
    if (!same(ea.forms, eb.forms)) events.push(`~ ${name} asks for the form ${list(eb.forms) === 'nobody' ? 'none' : list(eb.forms)}, not ${list(ea.forms) === 'nobody' ? 'none' : list(ea.forms)}`);
  }

  const guards = section('Guards (what refuses an event)');
  type Guarded = { label: string; guards: NonNullable<EventDef['guards']> };
  const transitions = (side: Side) => {
    const byType = new Map<string, Guarded>([['CREATE', { label: side.process.def.start.label ?? 'Starting a case', guards: [...(side.process.def.start.guards ?? [])] }]]);
    for (const e of side.process.def.events) {
      const known = byType.get(e.type) ?? { label: e.label, guards: [] };
      for (const g of e.guards ?? []) if (!known.guards.some((x) => x.id === g.id)) known.guards.push(g);
      byType.set(e.type, known);
    }
    return byType;
  };
  const ga = transitions(a);
  const gb = transitions(b);
  for (const [type, tb_] of gb) {
    const ta_ = ga.get(type);
    if (ta_ === undefined) {
      for (const g of tb_.guards) guards.push(`+ added: ${quote(tb_.label)} is refused unless ${conditionWords(b, g.check)} (${g.id})`);
      continue;
    }
    for (const g of ta_.guards) if (!tb_.guards.some((x) => x.id === g.id)) guards.push(`- removed: ${quote(tb_.label)} is no longer refused by ${g.id} (${conditionWords(a, g.check)})`);
    for (const g of tb_.guards) {
      const old = ta_.guards.find((x) => x.id === g.id);
      if (old === undefined) guards.push(`+ added: ${quote(tb_.label)} is refused unless ${conditionWords(b, g.check)} (${g.id})`);
      else {
        if (!same(old.check, g.check)) guards.push(`~ ${quote(tb_.label)}, guard ${g.id}: now needs ${conditionWords(b, g.check)}, not ${conditionWords(a, old.check)}`);
        if (old.message !== g.message) guards.push(`~ ${quote(tb_.label)}, guard ${g.id}: its message is now ${quote(g.message)}`);
      }
    }
  }
  for (const [type, ta_] of ga) if (!gb.has(type)) for (const g of ta_.guards) guards.push(`- removed: ${quote(ta_.label)}'s guard ${g.id}, with the event`);

  const roles = section('Roles');
  const ra = rolesOf(a.process);
  const rb = rolesOf(b.process);
  for (const r of ra) if (!rb.includes(r)) roles.push(`- removed: ${roleName(a, r)} (${r}) no longer acts in this process`);
  for (const r of rb) if (!ra.includes(r)) roles.push(`+ added: ${roleName(b, r)} (${r}) acts in this process`);
  // A side that names no roles (a template on its own) has no labels to compare.
  const labelled = (side: Side, r: string) => side.partnership.def.roles.some((role) => role.id === r);
  for (const r of ra) if (rb.includes(r) && labelled(a, r) && labelled(b, r) && roleName(a, r) !== roleName(b, r)) roles.push(`~ ${r} is called ${quote(roleName(b, r))}, not ${quote(roleName(a, r))}`);

  const deadlines = section('Deadlines');
  const da = A.deadlines ?? {};
  const db = B.deadlines ?? {};
  for (const [id, d] of Object.entries(da)) if (!(id in db)) deadlines.push(`- removed: ${quote(d.label)} (${id}), due ${valueWords(a, d.due)}`);
  for (const [id, d] of Object.entries(db)) if (!(id in da)) deadlines.push(`+ added: ${quote(d.label)} (${id}), due ${valueWords(b, d.due)}${d.satisfiedBy ? `, met by ${fieldWords(b, d.satisfiedBy)}` : ''}`);
  for (const [id, d] of Object.entries(da)) {
    const e = db[id];
    if (e === undefined) continue;
    if (d.label !== e.label) deadlines.push(`~ ${id} is now called ${quote(e.label)}, not ${quote(d.label)}`);
    if (!same(d.due, e.due)) deadlines.push(`~ ${quote(e.label)} (${id}) is due ${valueWords(b, e.due)}, not ${valueWords(a, d.due)}`);
    if ((d.satisfiedBy ?? null) !== (e.satisfiedBy ?? null)) deadlines.push(`~ ${quote(e.label)} (${id}) is met by ${e.satisfiedBy ? fieldWords(b, e.satisfiedBy) : 'nothing'}, not ${d.satisfiedBy ? fieldWords(a, d.satisfiedBy) : 'nothing'}`);
  }

  const lists = section('Lists');
  const la = A.lists ?? {};
  const lb = B.lists ?? {};
  const statuses = (l: NonNullable<typeof A.lists>[string]) => (l.status?.values ?? []).map((v) => `${v.label}${v.closes ? ' (closes it)' : ''}`);
  for (const [id, l] of Object.entries(la)) if (!(id in lb)) lists.push(`- removed: ${quote(l.label)} (${id})`);
  for (const [id, l] of Object.entries(lb)) if (!(id in la)) lists.push(`+ added: ${quote(l.label)} (${id}), each item keeping ${list(l.fields.map((f) => fieldWords(b, f)))}`);
  for (const [id, l] of Object.entries(la)) {
    const m = lb[id];
    if (m === undefined) continue;
    if (!same(l.fields, m.fields)) lists.push(`~ ${quote(m.label)} (${id}) items keep ${list(m.fields.map((f) => fieldWords(b, f)))}, not ${list(l.fields.map((f) => fieldWords(a, f)))}`);
    if (!same(statuses(l), statuses(m))) lists.push(`~ ${quote(m.label)} (${id}) statuses are ${list(statuses(m))}, not ${list(statuses(l))}`);
    if (!same(l.defaults ?? {}, m.defaults ?? {})) lists.push(`~ ${quote(m.label)} (${id}) fills in ${list(Object.entries(m.defaults ?? {}).map(([f, v]) => `${fieldWords(b, f)} with ${valueWords(b, v)}`))}`);
  }

  const fields = section('Forms and their fields');
  const formsA = new Set(formsOf(A));
  const formsB = new Set(formsOf(B));
  const propsOf = (side: Side, formId: string) => {
    const schema = side.partnership.forms.get(formId)?.schema ?? {};
    return { props: (schema.properties ?? {}) as Record<string, Record<string, unknown>>, required: (schema.required ?? []) as string[] };
  };
  for (const f of formsA) if (!formsB.has(f)) fields.push(`- removed: the form ${f} is no longer used`);
  for (const f of formsB) if (!formsA.has(f)) fields.push(`+ added: the form ${f}, asking ${list(Object.entries(propsOf(b, f).props).map(([k, p]) => quote(String(p.title ?? k))))}`);
  for (const f of formsB) {
    if (!formsA.has(f)) continue;
    const pa = propsOf(a, f);
    const pb = propsOf(b, f);
    for (const k of Object.keys(pa.props)) if (!(k in pb.props)) fields.push(`- removed: the form ${f} no longer asks ${quote(String(pa.props[k]!.title ?? k))} (${k})`);
    for (const k of Object.keys(pb.props)) if (!(k in pa.props)) fields.push(`+ added: the form ${f} asks ${quote(String(pb.props[k]!.title ?? k))} (${k})${pb.required.includes(k) ? ', required' : ''}`);
    for (const k of Object.keys(pa.props)) {
      const x = pa.props[k]!;
      const y = pb.props[k];
      if (y === undefined) continue;
      const title = quote(String(y.title ?? k));
      if (pa.required.includes(k) !== pb.required.includes(k)) fields.push(`~ the form ${f}: ${title} (${k}) is ${pb.required.includes(k) ? 'now required' : 'no longer required'}`);
      if (x.title !== y.title) fields.push(`~ the form ${f}: ${k} is now asked as ${title}, not ${quote(String(x.title ?? k))}`);
      const { title: _t1, description: _d1, ...restX } = x;
      const { title: _t2, description: _d2, ...restY } = y;
      if (!same(restX, restY)) fields.push(`~ the form ${f}: ${title} (${k}) ${answersChange(restX, restY)}`);
    }
  }
  return sections;
}

/** The difference B makes to A. */
export function difference(a: Compared, b: Compared): Section[] {
  return compare(sideOf(a), sideOf(b));
}
