import { CliError, UsageError, type CliIO, type Command } from './command.ts';
import { commands } from './commands/index.ts';

/** Exit codes: 0 ok, 1 the command failed, 2 bad invocation. */
export async function runCli(argv: string[], io: CliIO, available: Command[] = commands): Promise<number> {
  const [first] = argv;
  if (first === '--help' || first === '-h' || first === 'help') {
    io.stdout(`${overview(available)}\n`);
    return 0;
  }
  const command = findCommand(argv, available);
  if (!command) {
    io.stderr(`${first === undefined ? 'missing command' : `unknown command "${first}"`}\n\n${overview(available)}\n`);
    return 2;
  }
  const rest = argv.slice(command.name.split(' ').length);
  if (rest.includes('--help') || rest.includes('-h')) {
    io.stdout(`${command.usage}\n`);
    return 0;
  }
  try {
    await command.run(rest, io);
    return 0;
  } catch (err) {
    if (err instanceof UsageError) {
      io.stderr(`${err.message}\n\n${command.usage}\n`);
      return 2;
    }
    if (err instanceof CliError) io.stderr(`error ${err.code}: ${err.message}\n`);
    else io.stderr(`error INTERNAL: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
}

// Names may have several words (`audit verify`): the longest name that prefixes argv wins.
function findCommand(argv: string[], available: Command[]): Command | undefined {
  return available
    .filter((c) => c.name.split(' ').every((word, i) => argv[i] === word))
    .sort((a, b) => b.name.length - a.name.length)[0];
}

function overview(available: Command[]): string {
  const width = Math.max(...available.map((c) => c.name.length));
  return [
    'Usage: conductor <command> [options]',
    '',
    'Commands:',
    ...available.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Run `conductor <command> --help` for its options.',
  ].join('\n');
}
