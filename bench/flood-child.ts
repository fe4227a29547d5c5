/**
 * One client flooding sign-ins with wrong passwords, from its own process so that its loops do not
 * delay the measured reader's. Started by sign-in-flood.ts with `{url, username, concurrency}` as
 * JSON in argv[2]; says `started` at its first answer, floods until told `stop`, then says how many
 * answers of each status it had.
 */
export interface FloodSettings {
  url: string;
  username: string;
  concurrency: number;
}

export type FloodCounts = Record<string, number>;
export type FloodMessage = { started: true } | { counts: FloodCounts };

const settings = JSON.parse(process.argv[2]!) as FloodSettings;
const counts: FloodCounts = {};
let flooding = true;
const send = (message: FloodMessage) => process.send!(message);
process.on('message', () => (flooding = false));

const loops = Array.from({ length: settings.concurrency }, async (_, n) => {
  let attempt = 0;
  while (flooding) {
    const res = await fetch(`${settings.url}/api/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: settings.username, password: `wrong-${n}-${attempt++}` }),
    });
    await res.arrayBuffer();
    if (Object.keys(counts).length === 0) send({ started: true });
    counts[res.status] = (counts[res.status] ?? 0) + 1;
  }
});
await Promise.all(loops);
// Exits once the counts are sent: a message still queued would be lost with the process.
process.send!({ counts } satisfies FloodMessage, (error: Error | null) => process.exit(error ? 1 : 0));
