import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';

/** The one sub-folder of `dir` (an unpacked chart archive), if any. */
export async function singleSubdir(dir: string): Promise<string | undefined> {
  const entries = await fs
    .readdir(dir, { withFileTypes: true })
    .catch(() => []);
  const sub = entries.find(e => e.isDirectory());
  return sub ? path.join(dir, sub.name) : undefined;
}

/** GNU tar refuses absolute and `..` member names by default. */
function untar(file: string, into: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('tar', ['-xzf', file, '-C', into, '--no-same-owner'], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', d => (stderr += d));
    child.on('error', reject);
    child.on('close', code =>
      code === 0
        ? resolve()
        : reject(new Error(`cannot unpack the chart: ${stderr.trim()}`)),
    );
  });
}

/**
 * A chart archive (`.tgz`) unpacked once into `dir` (`<dir>/<chart>/`):
 * chart versions are immutable, so a folder that exists is reused. Unpacked
 * beside it first and renamed, so a concurrent reader never sees half a chart.
 */
export async function unpackedChart(
  dir: string,
  download: () => Promise<Buffer>,
): Promise<string> {
  const existing = await singleSubdir(dir);
  if (existing) return existing;
  const partial = `${dir}.${process.pid}.${Date.now()}`;
  await fs.mkdir(partial, { recursive: true });
  try {
    const tgz = path.join(partial, 'chart.tgz');
    await fs.writeFile(tgz, await download());
    await untar(tgz, partial);
    await fs.rm(tgz);
    await fs.rm(dir, { recursive: true, force: true });
    await fs.rename(partial, dir);
  } finally {
    await fs.rm(partial, { recursive: true, force: true });
  }
  const chartDir = await singleSubdir(dir);
  if (!chartDir) throw new Error(`the chart archive unpacked to nothing`);
  return chartDir;
}
