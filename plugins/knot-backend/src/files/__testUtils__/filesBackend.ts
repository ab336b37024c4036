import { mockCredentials } from '@backstage/backend-test-utils';
import { startKnotTestBackend } from '@knot-platform/knot-test-utils';
import type { JsonObject } from '@backstage/types';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';

export interface FilesBackend {
  server: Server;
  port: number;
  /** The folder holding every profile's private folder. */
  privateDir: string;
  sharedDir: string;
  /** A folder next to the storage that no route may reach. */
  outsideDir: string;
  /** Random, incompressible content of bob's and the outside secret files. */
  secrets: { bob: Buffer; outside: Buffer };
  auth(user: string): string;
  cleanup(): void;
}

/**
 * Starts the real knot backend plugin on a temp storage with two users'
 * folders: bob's holds a secret file, and a folder outside the storage holds
 * another. Requests authenticate as `user:default/<name>`.
 */
export async function startFilesBackend(
  storage: JsonObject = {},
): Promise<FilesBackend> {
  const base = fs.realpathSync(
    fs.mkdtempSync(path.join(os.tmpdir(), 'knot-files-')),
  );
  const privateDir = path.join(base, 'private');
  const sharedDir = path.join(base, 'shared');
  const outsideDir = path.join(base, 'outside');
  const secrets = { bob: randomBytes(8192), outside: randomBytes(8192) };
  fs.mkdirSync(path.join(privateDir, 'bob', 'docs'), { recursive: true });
  fs.writeFileSync(path.join(privateDir, 'bob', 'secret.bin'), secrets.bob);
  fs.writeFileSync(
    path.join(privateDir, 'bob', 'docs', 'plan.txt'),
    'bob plan',
  );
  fs.mkdirSync(sharedDir, { recursive: true });
  fs.mkdirSync(outsideDir, { recursive: true });
  fs.writeFileSync(path.join(outsideDir, 'secret.bin'), secrets.outside);

  const { server } = await startKnotTestBackend({
    config: { knot: { storage: { privateDir, sharedDir, ...storage } } },
  });
  return {
    server,
    port: (server.address() as AddressInfo).port,
    privateDir,
    sharedDir,
    outsideDir,
    secrets,
    auth: user => mockCredentials.user.header(`user:default/${user}`),
    cleanup: () => fs.rmSync(base, { recursive: true, force: true }),
  };
}

/** Every file below a folder with its content, for before/after comparison. */
export function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const full = path.join(d, e.name);
      if (e.isDirectory()) walk(full);
      else if (e.isSymbolicLink()) out[full] = `-> ${fs.readlinkSync(full)}`;
      else out[full] = fs.readFileSync(full).toString('base64');
    }
  };
  walk(dir);
  return out;
}

/**
 * Attach options that keep a relative path in the multipart file name
 * (supertest's form-data takes the basename of `filename`; `filepath` is
 * kept but missing from supertest's types).
 */
export function filePath(relative: string): { filename: string } {
  return { filepath: relative } as unknown as { filename: string };
}
