import fs from 'node:fs';
import path from 'node:path';

const CPU_CGROUPS = '/sys/fs/cgroup/cpu';
const PERIOD_US = 100_000;

/**
 * Gives each process its own CPU limit of `cores` (a cgroup v1 CFS quota
 * each), as each pod of a Deployment has its own limit; processes they
 * start inherit it. Returns what lifts the limits again.
 *
 * On a 2-core machine that also runs PostgreSQL, the API server and the
 * load, a second uncapped replica brings no CPU of its own (the replicas
 * only share the same cores): with a limit per replica, two replicas
 * against one measures how the portal scales out — its shared database,
 * its locks, its catalog processing — rather than this machine.
 */
export function limitCpu(pids: number[], cores: number): () => void {
  if (!fs.existsSync(path.join(CPU_CGROUPS, 'cgroup.procs'))) {
    throw new Error(
      `a CPU limit per replica needs the cgroup v1 cpu controller at ${CPU_CGROUPS} (and root)`,
    );
  }
  const groups = pids.map(pid => {
    const dir = path.join(CPU_CGROUPS, `knot-scale-${pid}`);
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'cpu.cfs_period_us'), `${PERIOD_US}`);
    fs.writeFileSync(
      path.join(dir, 'cpu.cfs_quota_us'),
      `${Math.round(cores * PERIOD_US)}`,
    );
    fs.writeFileSync(path.join(dir, 'cgroup.procs'), `${pid}`);
    return dir;
  });
  return () => {
    for (const dir of groups) {
      // Back to the root group (a process that has ended is not listed).
      for (const pid of fs
        .readFileSync(path.join(dir, 'cgroup.procs'), 'utf8')
        .split('\n')
        .filter(Boolean)) {
        try {
          fs.writeFileSync(path.join(CPU_CGROUPS, 'cgroup.procs'), pid);
        } catch {
          // ended meanwhile
        }
      }
      fs.rmdirSync(dir);
    }
  };
}
