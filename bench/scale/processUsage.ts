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

/**
 * CPU seconds of a process and of all its children, live or ended: for
 * PostgreSQL, the postmaster and a backend process per connection.
 */
export function treeCpuSeconds(pid: number): number {
  let seconds = 0;
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue; // ended meanwhile
    }
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const self = Number(entry) === pid;
    if (!self && Number(fields[1]) !== pid) continue;
    // utime + stime, and for the parent its reaped children's too.
    const ticks =
      Number(fields[11]) +
      Number(fields[12]) +
      (self ? Number(fields[13]) + Number(fields[14]) : 0);
    seconds += ticks / TICKS_PER_SECOND;
  }
  return seconds;
}
