/**
 * Fault injection for the crash tests: a process started with `VELVET_KILL_AT=<point>` dies
 * by SIGKILL when it reaches that point, as a power cut would. Unset in production.
 */
export function killPoint(point: string): void {
  if (process.env.VELVET_KILL_AT === point) process.kill(process.pid, 'SIGKILL');
}
