import { parseArgs, type ParseArgsConfig } from 'node:util';

/** What a command may touch: injected so commands stay testable and never reach for globals. */
export interface CliIO {
  env: Record<string, string | undefined>;
  stdout(text: string): void;
  stderr(text: string): void;
  /** stderr when it is a terminal: where a command may draw a live progress bar. Absent: plain lines on stderr. */
  terminal?: NodeJS.WriteStream;
}

export interface Command {
  name: string;
  /** One line for `conductor --help`. */
  summary: string;
  /** Full text for `conductor <name> --help` and after usage errors. */
  usage: string;
  run(args: string[], io: CliIO): Promise<void>;
}

/** Bad invocation: exit 2 with the command's usage. */
export class UsageError extends Error {}

/** The command ran and failed: exit 1, printed as `error CODE: message`. */
export class CliError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

type Options = NonNullable<ParseArgsConfig['options']>;

/** node:util parseArgs in strict mode, with its TypeErrors turned into usage errors. */
export function parseOptions<T extends Options>(args: string[], options: T) {
  try {
    return parseArgs({ args, options, strict: true, allowPositionals: false }).values;
  } catch (err) {
    throw new UsageError(err instanceof Error ? err.message : String(err));
  }
}

/** parseOptions for commands that also take operands (`export pull ID`). */
export function parseOptionsAndOperands<T extends Options>(args: string[], options: T) {
  try {
    return parseArgs({ args, options, strict: true, allowPositionals: true });
  } catch (err) {
    throw new UsageError(err instanceof Error ? err.message : String(err));
  }
}

export function splitList(value: string | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  return value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}
