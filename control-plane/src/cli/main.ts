import { runCli } from './run.ts';

// Entry of control-plane/bin/conductor.mjs. exitCode rather than exit(): lets stdout drain when piped.
process.exitCode = await runCli(process.argv.slice(2), {
  env: process.env,
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  ...(process.stderr.isTTY ? { terminal: process.stderr } : {}),
});
