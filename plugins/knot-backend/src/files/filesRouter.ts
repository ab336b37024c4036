import { InputError, NotFoundError } from '@backstage/errors';
import {
  FILE_DOMAINS,
  type FileDomain,
  type FileSortKey,
  type FileSortOrder,
} from '@knot-platform/plugin-knot-common';
import express, { type Request } from 'express';
import Router from 'express-promise-router';
import type { DomainRoot } from './DomainRoot';
import type { FileStorage } from './FileStorage';
import { listFolder } from './listFolder';
import { receiveFile, receiveUpload } from './receiveUpload';
import { sendFile } from './sendFile';
import { sendZip } from './sendZip';
import { makeFolder, moveEntry, removeEntry } from './changeEntries';
import { parseRelativePath } from './safePath';
import type { ProfileResolver } from '../profiles/ProfileResolver';
import type { AuditRecord } from '../audit/AuditLog';
import {
  notAudited,
  recordOutcome,
  type AuditRecorder,
} from '../audit/AuditRecorder';
import { sourceAddress } from '../audit/sourceAddress';

export interface FilesRouterOptions {
  resolver: ProfileResolver;
  storage: FileStorage;
  /** Deletes and renames are recorded with their outcome (never contents). */
  audit?: AuditRecorder;
}

const SORT_KEYS: readonly FileSortKey[] = ['name', 'size', 'modified'];
const SORT_ORDERS: readonly FileSortOrder[] = ['asc', 'desc'];

/**
 * The file API, mounted at `/api/knot/files`: `/:domain/...` with domain
 * `private` (the acting profile's own folder) or `shared`. Every request
 * first resolves the acting profile (authentication and the profile check),
 * so a request can only ever reach its own profile's private folder.
 */
export function createFilesRouter(options: FilesRouterOptions): express.Router {
  const router = Router();
  const audit = options.audit ?? notAudited;

  const rootOf = async (req: Request) => {
    const profile = await options.resolver.resolve(req);
    const domain = req.params.domain;
    if (!FILE_DOMAINS.includes(domain as FileDomain)) {
      throw new NotFoundError(
        `Unknown folder '${domain}': use private or shared`,
      );
    }
    return options.storage.root(profile.name, domain);
  };

  /** Resolves the acting profile and runs a recorded change of its files. */
  const recordedChange = async (
    req: Request,
    action: AuditRecord['action'],
    path: unknown,
    details: Record<string, unknown> | undefined,
    change: (root: DomainRoot) => Promise<unknown>,
  ) => {
    const profile = await options.resolver.resolve(req);
    const shown = typeof path === 'string' ? path.slice(0, 400) : '';
    await recordOutcome(
      audit,
      {
        action,
        actor: profile.actor,
        actingProfile: profile.name,
        target: `file ${profile.name}:${req.params.domain}/${shown}`,
        targetProfile: profile.name,
        sourceIp: sourceAddress(req),
        details,
      },
      async () => change(await rootOf(req)),
    );
  };

  // One file as the raw body, before the JSON parser: whatever type the
  // file is, its bytes are never parsed.
  router.put('/:domain/file', async (req, res) => {
    const root = await rootOf(req);
    res.json(await receiveFile(req, root, nonRoot(req.query.path)));
  });

  router.use(express.json({ limit: '64kb' }));

  router.get('/:domain/list', async (req, res) => {
    const root = await rootOf(req);
    res.json(
      await listFolder(root, parseRelativePath(req.query.path), {
        offset: optionalInt(req.query.offset, 'offset'),
        limit: optionalInt(req.query.limit, 'limit'),
        sort: oneOf(req.query.sort, SORT_KEYS, 'sort'),
        order: oneOf(req.query.order, SORT_ORDERS, 'order'),
      }),
    );
  });

  router.post('/:domain/upload', async (req, res) => {
    const root = await rootOf(req);
    res.json(await receiveUpload(req, root, parseRelativePath(req.query.path)));
  });

  router.get('/:domain/download', async (req, res) => {
    const root = await rootOf(req);
    await sendFile(req, res, root, nonRoot(req.query.path));
  });

  router.get('/:domain/zip', async (req, res) => {
    const root = await rootOf(req);
    await sendZip(res, root, parseRelativePath(req.query.path));
  });

  router.post('/:domain/mkdir', async (req, res) => {
    const root = await rootOf(req);
    await makeFolder(root, nonRoot(req.body?.path));
    res.status(201).json({ path: req.body.path });
  });

  router.post('/:domain/rename', async (req, res) => {
    const { from, to } = req.body ?? {};
    await recordedChange(
      req,
      'file.rename',
      from,
      { to: typeof to === 'string' ? to.slice(0, 400) : undefined },
      root => moveEntry(root, nonRoot(from), nonRoot(to)),
    );
    res.json({ path: req.body.to });
  });

  router.delete('/:domain', async (req, res) => {
    await recordedChange(req, 'file.delete', req.query.path, undefined, root =>
      removeEntry(root, nonRoot(req.query.path)),
    );
    res.status(204).end();
  });

  return router;
}

function nonRoot(raw: unknown): string[] {
  const names = parseRelativePath(raw);
  if (names.length === 0) {
    throw new InputError('A path inside the folder is required');
  }
  return names;
}

function optionalInt(raw: unknown, name: string): number | undefined {
  if (raw === undefined) return undefined;
  if (typeof raw !== 'string' || !/^\d{1,9}$/.test(raw)) {
    throw new InputError(`${name} must be a whole number`);
  }
  return Number(raw);
}

function oneOf<T extends string>(
  raw: unknown,
  allowed: readonly T[],
  name: string,
): T | undefined {
  if (raw === undefined) return undefined;
  if (!allowed.includes(raw as T)) {
    throw new InputError(`${name} must be one of ${allowed.join(', ')}`);
  }
  return raw as T;
}
