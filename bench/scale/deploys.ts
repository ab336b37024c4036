import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * A user's Hello Kubernetes through the portal's install route (what the
 * Create form's deploy step asks the knot plugin: POST /api/knot/services,
 * answered as NDJSON lines ending with the result), and a bare
 * `helm install` of the same chart into the same namespace with the values
 * Knot would add, alternating, while the API mix runs. Times from the
 * request to the last line; both end when helm has applied the release
 * (neither waits for pods).
 */
export async function deploysDuringMix(options: {
  backend: string;
  token: string;
  profile: string;
  chartDir: string;
  rounds: number;
  /** Before the first and between deploys, so they spread over the mix. */
  pauseMs: number;
  prefix: string;
}) {
  const { backend, token, profile, chartDir, rounds, pauseMs, prefix } =
    options;
  const namespace = `knot-${profile}`;
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'knot-scale-deploy-'));
  const portal: number[] = [];
  const bare: number[] = [];
  const errors: string[] = [];
  const viaPortal = async (i: number) => {
    const t0 = performance.now();
    const response = await fetch(`${backend}/api/knot/services`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': 'application/json',
        accept: 'application/x-ndjson',
      },
      body: JSON.stringify({
        chart: 'hello-kubernetes',
        name: `${prefix}p${i}`,
        values: { message: 'scale' },
      }),
    });
    const text = await response.text();
    const last = JSON.parse(text.trim().split('\n').pop() || '{}');
    if (!response.ok || last.type !== 'result') {
      throw new Error(
        `portal deploy: ${response.status} ${text.slice(0, 300)}`,
      );
    }
    portal.push(performance.now() - t0);
  };
  const viaHelm = async (i: number) => {
    const release = `${prefix}b${i}`;
    const values = path.join(tmp, `${release}.json`);
    fs.writeFileSync(
      values,
      JSON.stringify({
        message: 'scale',
        knot: {
          enabled: true,
          hostname: `${release}-${profile}.localtest.me`,
          username: profile,
          namespace,
        },
      }),
    );
    const t0 = performance.now();
    await run('helm', [
      'install',
      release,
      chartDir,
      '-n',
      namespace,
      '-f',
      values,
    ]);
    bare.push(performance.now() - t0);
  };
  try {
    for (let i = 0; i < rounds; i++) {
      // Alternate which goes first, so neither always follows the other.
      const order = i % 2 ? [viaHelm, viaPortal] : [viaPortal, viaHelm];
      for (const deploy of order) {
        await new Promise(r => setTimeout(r, pauseMs));
        await deploy(i).catch(e => errors.push((e as Error).message));
      }
    }
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  return { portal, bare, errors };
}

export function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  if (!s.length) return NaN;
  return s.length % 2
    ? s[(s.length - 1) / 2]
    : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}
