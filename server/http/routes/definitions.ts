import { Router, type Request } from 'express';
import { readableCasesSql } from '../../cases/access.ts';
import { mayConfigure } from '../../cases/configuration.ts';
import type { CaseService, User } from '../../cases/service.ts';
import { processVersion, type CompiledPartnership, type CompiledProcess } from '../../engine/catalogue.ts';
import { describeProcess, edgesOf } from '../../engine/describe.ts';
import { BadRequestError, NotFoundError } from '../../engine/errors.ts';
import { isIsoDate } from '../../engine/dates/index.ts';
import { uiOn } from '../../engine/form-choices.ts';
import { countReadableByStateAndVersion } from '../../store/process-versions.ts';
import type { Database } from '../../store/database.ts';
import type { Clock } from '../../clock.ts';
import { authOf } from '../auth.ts';

/** `?version=N`: a whole number from 1, or undefined when not asked. */
function askedVersion(value: unknown): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !/^[1-9][0-9]{0,8}$/.test(value)) throw new BadRequestError('version must be a whole number from 1 (a version of the process)');
  return Number(value);
}

/** The stored versions of a process, oldest first, with when each was stored. */
function versionsOf(partnership: CompiledPartnership, process: CompiledProcess): { version: number; createdAt: string | null }[] {
  const stored = partnership.versions?.get(process.def.id);
  return stored === undefined ? [{ version: process.def.version, createdAt: null }] : [...stored.values()].map((v) => ({ version: v.version, createdAt: v.createdAt }));
}

/** The process (newest, or version `?version=N`) and the partnership as that version sees it. */
function processAsked(
  service: CaseService,
  user: User,
  p: string,
  proc: string,
  versionQuery: unknown,
): { partnership: CompiledPartnership; process: CompiledProcess; newest: CompiledProcess } {
  const { partnership, process: newest } = service.process(user, p, proc);
  const version = askedVersion(versionQuery);
  if (version === undefined) return { partnership, process: newest, newest };
  const found = partnership.versions === undefined ? (version === newest.def.version ? { partnership, process: newest } : undefined) : processVersion(partnership, newest.def.id, version);
  if (found === undefined) {
    throw new NotFoundError(`${newest.def.title} has no version ${version}; its versions are ${versionsOf(partnership, newest).map((v) => v.version).join(', ')}`);
  }
  return { ...found, newest };
}

export function definitionRoutes(service: CaseService, db: Database, clock: Clock): Router {
  const router = Router();

  router.get('/', (_req, res) => {
    const { user } = authOf(res);
    const partnership = service.partnership(user, user.partnership);
    res.json([
      {
        id: partnership.def.id,
        name: partnership.def.name,
        statutoryPartners: partnership.def.statutoryPartners,
        roles: partnership.def.roles,
        processes: [...partnership.processes.values()].map((p) => ({ id: p.def.id, title: p.def.title, version: p.def.version })),
        // Whether to offer the configuration pages (the business unit's): their routes check it again.
        mayConfigure: mayConfigure(partnership, user),
      },
    ]);
  });

  // The newest version, or `?version=N` (404 for a version that does not exist).
  router.get('/:p/processes/:proc', (req, res) => {
    const { partnership, process, newest } = processAsked(service, authOf(res).user, String(req.params.p), String(req.params.proc), req.query.version);
    res.json({ ...describeProcess(process), newestVersion: newest.def.version, versions: versionsOf(partnership, newest) });
  });

  /** The newest form, or with `?process=ID&version=N` the form as that version of the process has it. */
  const formAsked = (req: Request, user: User) => {
    const partnership = service.partnership(user, String(req.params.p));
    if (req.query.process === undefined && req.query.version === undefined) return { partnership, form: partnership.forms.get(String(req.params.formId)) };
    if (typeof req.query.process !== 'string' || req.query.version === undefined) throw new BadRequestError('Give process and version together, for the form as that version of the process has it');
    const versioned = processAsked(service, user, String(req.params.p), req.query.process, req.query.version).partnership;
    return { partnership, form: versioned.forms.get(String(req.params.formId)) };
  };

  /**
   * `?on=YYYY-MM-DD`: the day whose partners the form's choices name (the case's date); today without it.
   * The choices come resolved in `ui.choices` (engine/form-choices.ts).
   */
  router.get('/:p/forms/:formId', (req, res) => {
    const { partnership, form } = formAsked(req, authOf(res).user);
    if (form === undefined) throw new NotFoundError(`${partnership.def.name} has no form "${req.params.formId}"`);
    const on = req.query.on;
    if (on !== undefined && (typeof on !== 'string' || !isIsoDate(on))) throw new BadRequestError('Give `on` as a date, YYYY-MM-DD');
    res.json({ id: form.id, schema: form.schema, ui: uiOn(partnership.def, form.ui, on ?? clock.today(partnership.def.timeZone)) });
  });

  // The form's validator as code the browser may run under `script-src 'self'`.
  router.get('/:p/forms/:formId/validator.js', (req, res) => {
    const { partnership, form } = formAsked(req, authOf(res).user);
    if (form === undefined) throw new NotFoundError(`${partnership.def.name} has no form "${req.params.formId}"`);
    res.type('text/javascript').set('Cache-Control', 'private, no-cache').send(form.browserModule());
  });

  /**
   * The newest version's statechart (or `?version=N`'s) with the cases of every version counted on
   * its states: `versions` on the answer and on each node says how many are on which version. A state
   * only an older version has still appears (`retired: true`) while cases are in it.
   */
  router.get('/:p/processes/:proc/graph', async (req, res) => {
    const { user } = authOf(res);
    const { partnership, process } = processAsked(service, user, String(req.params.p), String(req.params.proc), req.query.version);
    // Need to know: a node counts only the cases this person may read.
    const readable = readableCasesSql(partnership, user);
    const rows = await countReadableByStateAndVersion(db.reader, partnership.def.id, process.def.id, readable, clock.today(partnership.def.timeZone));
    const labelOf = (state: string) => {
      // A retired state's label as the newest version that had it wrote it.
      const older = [...(partnership.versions?.get(process.def.id)?.values() ?? [])].reverse().find((v) => v.compiled.def.states[state] !== undefined);
      return older?.compiled.def.states[state];
    };
    const perVersion = (list: typeof rows) => {
      const counts = new Map<number, number>();
      for (const r of list) counts.set(r.version, (counts.get(r.version) ?? 0) + r.count);
      return [...counts].sort(([a], [b]) => a - b).map(([version, count]) => ({ version, count }));
    };
    const node = (id: string, state: { label: string; final?: boolean }, retired: boolean) => {
      const here = rows.filter((r) => r.state === id);
      return {
        id,
        label: state.label,
        final: state.final === true,
        count: here.reduce((n, r) => n + r.count, 0),
        overdue: here.reduce((n, r) => n + r.overdue, 0),
        versions: perVersion(here),
        ...(retired ? { retired: true } : {}),
      };
    };
    const retired = [...new Set(rows.map((r) => r.state))].filter((id) => process.def.states[id] === undefined);
    res.json({
      version: process.def.version,
      versions: perVersion(rows),
      nodes: [
        ...Object.entries(process.def.states).map(([id, s]) => node(id, s, false)),
        ...retired.map((id) => node(id, labelOf(id) ?? { label: id }, true)),
      ],
      edges: edgesOf(process),
    });
  });
  return router;
}
