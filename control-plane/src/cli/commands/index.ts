import type { Command } from '../command.ts';
import { auditVerifyCommand } from './audit-verify.ts';
import { exportCommands } from './export.ts';
import { purgeCommand } from './purge.ts';
import { tokenCommand } from './token.ts';

/** Every `conductor` subcommand; a new one is its own file plus one line here. */
export const commands: Command[] = [tokenCommand, purgeCommand, auditVerifyCommand, ...exportCommands];
