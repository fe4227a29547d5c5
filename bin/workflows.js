#!/usr/bin/env node
// `npx workflows <command>`: loads tsx's ESM loader, then the TypeScript command line (scripts/cli/main.ts).
import { register } from 'tsx/esm/api';

// Output piped into `head` and closed early is not an error of ours.
process.stdout.on('error', (error) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw error;
});

register();
const { main } = await import(new URL('../scripts/cli/main.ts', import.meta.url).href);
process.exitCode = await main(process.argv.slice(2));
