/** `npx workflows <command>`: check, run, draw and compare the configuration without a server. */
import { NotFound, OK, PROBLEMS, USAGE, UsageError } from './common.ts';

interface Command {
  help: string;
  run(args: readonly string[]): number | Promise<number>;
}

/** Each command's module is loaded only when it runs, so that `--help` and usage errors answer at once. */
const COMMANDS: Record<string, { summary: string; load(): Promise<Command> }> = {
  validate: {
    summary: 'check every file under workflows/ and forms/; problems as file:line: message',
    load: async () => import('./validate.ts').then((m) => ({ help: m.validateHelp(), run: m.validateCommand })),
  },
  simulate: {
    summary: "run a process's scenario files through the engine, without a server",
    load: async () => import('./simulate.ts').then((m) => ({ help: m.simulateHelp(), run: m.simulateCommand })),
  },
  graph: { summary: 'draw a process as mermaid, dot or svg', load: async () => import('./graph.ts').then((m) => ({ help: m.graphHelp(), run: m.graphCommand })) },
  diff: {
    summary: 'say how two processes (or two versions of one) differ',
    load: async () => import('./diff.ts').then((m) => ({ help: m.diffHelp(), run: m.diffCommand })),
  },
  migrate: {
    summary: 'move the running cases of a process to a newer version, as a migration file says',
    load: async () => import('./migrate.ts').then((m) => ({ help: m.migrateHelp(), run: m.migrateCommand })),
  },
};

export const mainHelp = `Usage: workflows <command> [options]

Commands:
${Object.entries(COMMANDS)
  .map(([name, c]) => `  ${name.padEnd(10)}${c.summary}`)
  .join('\n')}

Run "workflows <command> --help" for a command's arguments and an example.
Exit codes: 0 all is well, 1 problems found, 2 a usage error.`;

export async function main(args: readonly string[]): Promise<number> {
  const [name, ...rest] = args;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    if (name === undefined) {
      console.error(mainHelp);
      return USAGE;
    }
    console.log(mainHelp);
    return OK;
  }
  const known = COMMANDS[name];
  if (known === undefined) {
    console.error(`workflows: unknown command "${name}"\n\n${mainHelp}`);
    return USAGE;
  }
  const command = await known.load();
  if (rest.includes('--help') || rest.includes('-h')) {
    console.log(command.help);
    return OK;
  }
  try {
    return await command.run(rest);
  } catch (error) {
    if (error instanceof UsageError) {
      console.error(`workflows ${name}: ${error.message}\n${command.help.split('\n')[0]}\nRun "workflows ${name} --help" for more.`);
      return USAGE;
    }
    if (error instanceof NotFound) {
      console.error(`workflows ${name}: ${error.message}`);
      return PROBLEMS;
    }
    throw error;
  }
}
