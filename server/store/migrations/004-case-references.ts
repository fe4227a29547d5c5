/**
 * Every case gets a reference people can say and type (see server/store/references.ts): a new
 * `reference` column, unique in each partnership. Existing cases are numbered in the order they
 * were recorded (oldest first, ties by id), per partnership and year, in the partnership's time zone
 * (London's for a partnership no longer configured).
 */
import type { MigrationContext } from '../migrate.ts';
import { assignReference } from '../references.ts';
import type { Connection } from '../database.ts';

const DEFAULT_TIME_ZONE = 'Europe/London';

export async function up(tx: Connection, { catalogue }: MigrationContext): Promise<void> {
  await tx.exec('ALTER TABLE cases ADD COLUMN reference TEXT');
  const cases = await tx.all<{ id: string; partnership: string }>('SELECT id, partnership FROM cases ORDER BY created_at, id');
  for (const c of cases) {
    await assignReference(tx, c.id, catalogue.partnerships.get(c.partnership)?.def.timeZone ?? DEFAULT_TIME_ZONE);
  }
  await tx.exec('CREATE UNIQUE INDEX cases_reference ON cases (partnership, reference)');
}
