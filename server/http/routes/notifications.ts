import { Router } from 'express';
import { BadRequestError, NotFoundError } from '../../engine/errors.ts';
import type { Clock } from '../../clock.ts';
import type { Database } from '../../store/database.ts';
import { authOf, requireCsrf } from '../auth.ts';

const MAX_LIMIT = 200;

interface Row {
  id: number;
  case_id: string;
  kind: string;
  reference: string | null;
  stage: string;
  waiting_for: string;
  deadline_label: string | null;
  due: string | null;
  created_at: string;
  read_at: string | null;
}

/**
 * `GET /api/notifications`: the caller's notifications, newest first, with `unread` (the header's
 * count); `POST /api/notifications/:id/read` and `POST /api/notifications/read` (all) mark them read.
 */
export function notificationRoutes(db: Database, clock: Clock): Router {
  const router = Router();
  const unread = async (username: string, partnership: string) =>
    (await db.reader.get<{ n: number }>('SELECT COUNT(*) AS n FROM notifications WHERE recipient = ? AND partnership = ? AND read_at IS NULL', [username, partnership]))!.n;

  router.get('/', async (req, res) => {
    const { user } = authOf(res);
    const asked = req.query.limit === undefined || req.query.limit === '' ? 50 : Number(req.query.limit);
    if (!Number.isInteger(asked) || asked < 1) throw new BadRequestError(`limit must be a whole number from 1 to ${MAX_LIMIT}`);
    const rows = await db.reader.all<Row>(
      `SELECT id, case_id, kind, reference, stage, waiting_for, deadline_label, due, created_at, read_at FROM notifications
        WHERE recipient = ? AND partnership = ? ORDER BY id DESC LIMIT ?`,
      [user.username, user.partnership, Math.min(asked, MAX_LIMIT)],
    );
    res.json({
      unread: await unread(user.username, user.partnership),
      items: rows.map((r) => ({
        id: r.id,
        caseId: r.case_id,
        reference: r.reference,
        kind: r.kind,
        stage: r.stage,
        waitingFor: r.waiting_for,
        deadline: r.due === null ? null : { label: r.deadline_label, due: r.due },
        createdAt: r.created_at,
        readAt: r.read_at,
      })),
    });
  });

  router.post('/read', requireCsrf, async (_req, res) => {
    const { user } = authOf(res);
    await db.transaction((tx) =>
      tx.run('UPDATE notifications SET read_at = ? WHERE recipient = ? AND partnership = ? AND read_at IS NULL', [clock.now(), user.username, user.partnership]),
    );
    res.json({ unread: 0 });
  });

  router.post('/:id/read', requireCsrf, async (req, res) => {
    const { user } = authOf(res);
    const id = String(req.params.id);
    if (!/^\d{1,15}$/.test(id)) throw new NotFoundError(`No notification "${id}" for you`);
    const found = await db.transaction(async (tx) => {
      const row = await tx.get<{ read_at: string | null }>('SELECT read_at FROM notifications WHERE id = ? AND recipient = ? AND partnership = ?', [Number(id), user.username, user.partnership]);
      if (row === undefined) return false;
      if (row.read_at === null) await tx.run('UPDATE notifications SET read_at = ? WHERE id = ?', [clock.now(), Number(id)]);
      return true;
    });
    if (!found) throw new NotFoundError(`No notification "${id}" for you`);
    res.json({ unread: await unread(user.username, user.partnership) });
  });
  return router;
}
