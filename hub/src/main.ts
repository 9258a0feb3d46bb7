import { parseArgs } from 'node:util';
import { ConfigError, loadEnv, type Env } from '@velvet/shared';
import { createLogger, writeAfterLogs } from './logger';
import { ROLES, startRuntime, type ProcessRole } from './runtime';
import { uiState } from './ui';

function fail(message: string): never {
  process.stderr.write(`velvet: ${message}\n`);
  process.exit(1);
}

const { values } = parseArgs({ options: { role: { type: 'string', default: 'all' } }, strict: true });
const role = values.role as ProcessRole;
if (!ROLES.includes(role)) fail(`--role must be one of ${ROLES.join(', ')} (got "${values.role}")`);

let env: Env;
try {
  env = loadEnv();
} catch (error) {
  fail(error instanceof ConfigError ? error.message : String(error));
}

const logger = createLogger(env.LOG_LEVEL);

let runtime;
try {
  runtime = await startRuntime(env, role, logger);
} catch (error) {
  if (error instanceof ConfigError) fail(error.message);
  logger.fatal({ err: error }, 'failed to start');
  fail((error as Error).message);
}

const lines = [`Velvet is running (role: ${role}).`];
if (runtime.url) {
  lines.push('', `Open ${runtime.url}`);
  const ui = uiState();
  if (ui === 'building') lines.push('(the interface is being built: that page reloads itself when ready)');
  if (ui === 'absent') lines.push('(no interface built: run `npm run build`; the API works meanwhile)');
}
if (runtime.admin) {
  lines.push(`First admin: ${runtime.admin.email}`);
  if (runtime.admin.password)
    lines.push(`Password:    ${runtime.admin.password}   (shown once; change it after signing in)`);
}
// Behind the log lines of the start: the framed URL and login are its last lines.
writeAfterLogs(logger, `\n${frame(lines)}\n\n`);

/** Lines in a box drawn with box-drawing characters. */
function frame(content: string[]): string {
  const width = Math.max(...content.map((line) => line.length)) + 2;
  return [
    `┌${'─'.repeat(width + 2)}┐`,
    ...content.map((line) => `│  ${line.padEnd(width)}│`),
    `└${'─'.repeat(width + 2)}┘`,
  ].join('\n');
}

let stopping = false;
// Once shutting down, a late call on a connection the shutdown already closed is expected:
// logged, not a crash that turns a clean Ctrl-C into exit code 1.
process.on('unhandledRejection', (reason) => {
  if (stopping) return void logger.debug({ err: reason }, 'rejected during shutdown');
  logger.fatal({ err: reason }, 'unhandled rejection');
  process.exitCode = 1;
  setImmediate(() => process.exit(1));
});
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    const force = setTimeout(() => {
      logger.error('shutdown took too long; exiting');
      process.exit(1);
    }, 20_000);
    force.unref();
    runtime.stop().then(
      () => {
        logger.info('stopped');
        process.exit(0);
      },
      () => process.exit(1),
    );
  });
}
