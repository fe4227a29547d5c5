import { Router, type Request } from 'express';
import type { ConfigurationService } from '../../cases/configuration.ts';
import { BadRequestError } from '../../engine/errors.ts';
import { authOf, requireCsrf } from '../auth.ts';
import { jsonObjectBody } from '../body.ts';

/** A version number from a path segment or the query: a whole number from 1. */
function versionNumber(value: unknown, name: string): number {
  if (typeof value !== 'string' || !/^[1-9][0-9]{0,8}$/.test(value)) throw new BadRequestError(`${name} must be a whole number from 1 (a version of the process)`);
  return Number(value);
}

/** `{content: "<the process file>"}`: the file's text as uploaded or pasted. */
function uploadedText(req: Request): string {
  const { content } = req.body as Record<string, unknown>;
  if (typeof content !== 'string' || content.trim() === '') throw new BadRequestError('Send {content: "..."} with the text of the process file (YAML)');
  return content;
}

/** The business unit's configuration pages: `/api/partnerships/:p/configuration/…`. */
export function configurationRoutes(configuration: ConfigurationService): Router {
  const router = Router();
  const ids = (req: Request) => [String(req.params.p), String(req.params.proc)] as const;

  router.get('/:p/configuration/processes', async (req, res) => {
    res.json(await configuration.processes(authOf(res).user, String(req.params.p)));
  });

  router.get('/:p/configuration/calendar', (req, res) => {
    res.json(configuration.calendar(authOf(res).user, String(req.params.p)));
  });

  router.get('/:p/configuration/scenarios', (req, res) => {
    res.json(configuration.scenarios(authOf(res).user, String(req.params.p)));
  });

  // `?from=N&to=M`; without `to`, the newest.
  router.get('/:p/configuration/processes/:proc/difference', (req, res) => {
    const to = req.query.to === undefined ? undefined : versionNumber(req.query.to, 'to');
    res.json(configuration.difference(authOf(res).user, ...ids(req), versionNumber(req.query.from, 'from'), to));
  });

  router.get('/:p/configuration/processes/:proc/versions/:version/file', async (req, res) => {
    const { filename, text } = await configuration.download(authOf(res).user, ...ids(req), versionNumber(req.params.version, 'version'));
    res.type('text/yaml; charset=utf-8').attachment(filename).send(text);
  });

  router.get('/:p/configuration/processes/:proc/versions/:version/template-difference', async (req, res) => {
    res.json(await configuration.templateDifference(authOf(res).user, ...ids(req), versionNumber(req.params.version, 'version')));
  });

  router.post('/:p/configuration/processes/:proc/check', requireCsrf, jsonObjectBody, async (req, res) => {
    res.json(await configuration.check(authOf(res).user, ...ids(req), uploadedText(req)));
  });

  router.post('/:p/configuration/processes/:proc/publish', requireCsrf, jsonObjectBody, async (req, res) => {
    const { basedOn } = req.body as Record<string, unknown>;
    if (typeof basedOn !== 'number' || !Number.isInteger(basedOn) || basedOn < 1) {
      throw new BadRequestError('Send basedOn: the newest version number your check was made against (a whole number from 1)');
    }
    res.status(201).json(await configuration.publish(authOf(res).user, ...ids(req), uploadedText(req), basedOn));
  });
  return router;
}
