/**
 * Fault injection for the crash tests, inside a publisher's own steps: a process started with
 * `VELVET_KILL_AT=<point>` dies by SIGKILL there, as a power cut would. Unset in production.
 * (The workers' job steps have the same helper in `workers/src/kill-point.ts`.)
 */
export function killPoint(point: string): void {
  if (process.env.VELVET_KILL_AT === point) process.kill(process.pid, 'SIGKILL');
}
