import fs from 'node:fs';

const TICKS_PER_SECOND = 100;

/**
 * CPU seconds (user + system) of a process and of its ended children (the
 * helm processes the backend runs), and its resident memory, from /proc.
 */
export function processUsage(pid: number): {
  cpuSeconds: number;
  childCpuSeconds: number;
  rssMiB: number;
} {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name, which may hold spaces: ") S ppid ...".
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  const children = Number(fields[13]) + Number(fields[14]);
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const rssKiB = Number(status.match(/VmRSS:\s+(\d+)/)?.[1] ?? 0);
  return {
    cpuSeconds: (utime + stime) / TICKS_PER_SECOND,
    childCpuSeconds: children / TICKS_PER_SECOND,
    rssMiB: rssKiB / 1024,
  };
}

export function loadAverage(): string {
  return fs
    .readFileSync('/proc/loadavg', 'utf8')
    .split(' ')
    .slice(0, 3)
    .join(' ');
}
