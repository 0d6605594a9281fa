import { execFileSync } from 'child_process';
import fs from 'fs';

let ticksPerSecond: number | undefined;

/** The kernel's clock ticks per second, in which /proc/<pid>/stat counts CPU time (getconf CLK_TCK). */
function clockTicks(): number {
  if (ticksPerSecond === undefined) {
    try {
      ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      ticksPerSecond = 100;
    }
  }
  return ticksPerSecond;
}

/** The fields of /proc/<pid>/stat after the command name (which may hold spaces), 1-based as in proc(5) minus 2. */
function statFields(pid: number | 'self'): string[] {
  const text = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  return text.slice(text.lastIndexOf(')') + 2).split(' ');
}

/**
 * CPU seconds a live process has used so far, all its threads together: utime + stime of
 * /proc/<pid>/stat (fields 14 and 15 of proc(5)). Linux only.
 */
export function processCpuSeconds(pid: number): number {
  const f = statFields(pid);
  return (Number(f[11]) + Number(f[12])) / clockTicks();
}

/**
 * CPU seconds of this process's children that have exited and been waited for: cutime + cstime
 * of /proc/self/stat (fields 16 and 17). Node waits for every child it spawned, so the
 * difference across a child's run is what that child used.
 */
export function exitedChildrenCpuSeconds(): number {
  const f = statFields('self');
  return (Number(f[13]) + Number(f[14])) / clockTicks();
}
