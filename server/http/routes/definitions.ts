import { Router } from 'express';
import { readableCasesSql } from '../../cases/access.ts';
import type { CaseService } from '../../cases/service.ts';
import { describeProcess, edgesOf } from '../../engine/describe.ts';
import { NotFoundError } from '../../engine/errors.ts';
import { countReadableByState } from '../../store/case-lists.ts';
import type { Database } from '../../store/sqlite.ts';
import type { Clock } from '../../clock.ts';
import { authOf } from '../auth.ts';

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
      },
    ]);
  });

  router.get('/:p/processes/:proc', (req, res) => {
    const { process } = service.process(authOf(res).user, req.params.p, req.params.proc);
    res.json(describeProcess(process));
  });

  router.get('/:p/forms/:formId', (req, res) => {
    const partnership = service.partnership(authOf(res).user, req.params.p);
    const form = partnership.forms.get(req.params.formId);
    if (form === undefined) throw new NotFoundError(`${partnership.def.name} has no form "${req.params.formId}"`);
    res.json({ id: form.id, schema: form.schema, ui: form.ui });
  });

  // The form's validator as code the browser may run under `script-src 'self'`.
  router.get('/:p/forms/:formId/validator.js', (req, res) => {
    const partnership = service.partnership(authOf(res).user, req.params.p);
    const form = partnership.forms.get(req.params.formId);
    if (form === undefined) throw new NotFoundError(`${partnership.def.name} has no form "${req.params.formId}"`);
    res.type('text/javascript').set('Cache-Control', 'private, no-cache').send(form.browserModule());
  });

  router.get('/:p/processes/:proc/graph', async (req, res) => {
    const { user } = authOf(res);
    const { partnership, process } = service.process(user, req.params.p, req.params.proc);
    // Need to know: a node counts only the cases this person may read.
    const readable = readableCasesSql(partnership, user);
    const counts = await countReadableByState(db.reader, partnership.def.id, process.def.id, readable, clock.today(partnership.def.timeZone));
    res.json({
      nodes: Object.entries(process.def.states).map(([id, s]) => ({
        id,
        label: s.label,
        final: s.final === true,
        count: counts.get(id)?.count ?? 0,
        overdue: counts.get(id)?.overdue ?? 0,
      })),
      edges: edgesOf(process),
    });
  });
  return router;
}
