import type { HttpAuthService } from '@backstage/backend-plugin-api';
import type { UserInfoService } from '@backstage/backend-plugin-api';
import { parseEntityRef } from '@backstage/catalog-model';
import { InputError, NotAllowedError } from '@backstage/errors';
import {
  isAuditAction,
  knotAuditReadPermission,
  USERNAME_PATTERN,
  type KnotAuditEntry,
  type KnotAuditPage,
} from '@knot-platform/plugin-knot-common';
import express from 'express';
import Router from 'express-promise-router';
import {
  hasPermission,
  type PermissionCheck,
} from '../permissions/requirePermission';
import type { StoreProfileAccess } from '../profiles/StoreProfileAccess';
import type { AuditFilter, AuditLog, ProfileSince } from './AuditLog';

const DEFAULT_LIMIT = 100;
const MAX_LIMIT = 500;

const CSV_COLUMNS: Array<keyof KnotAuditEntry> = [
  'id',
  'at',
  'action',
  'actor',
  'actingProfile',
  'target',
  'targetProfile',
  'result',
  'sourceIp',
  'details',
];

/** One CSV field: quoted, quotes doubled; no formula for spreadsheets. */
function csvField(value: unknown): string {
  if (value === undefined || value === null) return '';
  let text = typeof value === 'string' ? value : JSON.stringify(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return `"${text.replace(/"/g, '""')}"`;
}

function oneString(query: express.Request['query'], name: string) {
  const value = query[name];
  if (value === undefined || value === '') return undefined;
  if (typeof value !== 'string') {
    throw new InputError(`'${name}' must be given once`);
  }
  return value;
}

function profileName(query: express.Request['query'], name: string) {
  const value = oneString(query, name);
  if (value !== undefined && !USERNAME_PATTERN.test(value)) {
    throw new InputError(`'${name}' must be a user or team name`);
  }
  return value;
}

function date(query: express.Request['query'], name: string) {
  const value = oneString(query, name);
  if (value === undefined) return undefined;
  const parsed = new Date(value);
  if (Number.isNaN(parsed.getTime())) {
    throw new InputError(
      `'${name}' must be a date and time, e.g. 2026-12-01T00:00:00Z`,
    );
  }
  return parsed;
}

function wholeNumber(
  query: express.Request['query'],
  name: string,
  max = Number.MAX_SAFE_INTEGER,
) {
  const value = oneString(query, name);
  if (value === undefined) return undefined;
  const parsed = Number(value);
  if (!/^\d+$/.test(value) || parsed < 1 || parsed > max) {
    throw new InputError(`'${name}' must be a whole number from 1 to ${max}`);
  }
  return parsed;
}

/** The filters of a request; an unknown action is refused, not ignored. */
function filterOf(query: express.Request['query']): AuditFilter {
  const action = oneString(query, 'action');
  if (action !== undefined && !isAuditAction(action)) {
    throw new InputError(`'${action.slice(0, 64)}' is not an audited action`);
  }
  return {
    user: profileName(query, 'user'),
    profile: profileName(query, 'profile'),
    action,
    from: date(query, 'from'),
    to: date(query, 'to'),
  };
}

/**
 * The audit log, mounted at `/api/knot`: `GET /audit` answers admins (the
 * `knot.audit.read` permission) every entry, filtered by user, profile,
 * action and time; everyone else — and admins with `mine=true` — only the
 * entries whose acting or target profile is one they may act as, recorded
 * since that profile's creation.
 * `GET /audit/export?format=csv|json` streams the filtered log to admins.
 */
export function createAuditRouter(options: {
  httpAuth: HttpAuthService;
  userInfo: UserInfoService;
  audit: Pick<AuditLog, 'list' | 'entries'>;
  access: Pick<StoreProfileAccess, 'actingProfilesOf'>;
  teamsOf: (username: string) => Promise<string[]>;
  /** When a user or team was created; undefined when there is none. */
  createdAt: (profile: string) => Promise<Date | undefined>;
  permissions: PermissionCheck;
}): express.Router {
  const { httpAuth, userInfo, audit, access, permissions } = options;
  const router = Router();

  async function signedIn(req: express.Request): Promise<string> {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    const { userEntityRef } = await userInfo.getUserInfo(credentials);
    return parseEntityRef(userEntityRef).name;
  }

  /**
   * The profiles whose entries a user sees without the read permission,
   * each since its creation: a deleted user's or team's entries stay in the
   * log, and whoever takes the name later must not read them.
   */
  async function ownProfiles(actor: string): Promise<ProfileSince[]> {
    const acting = await access.actingProfilesOf(actor);
    // An admin "may act as" everyone: their own are themself and teams.
    const names = acting.admin
      ? [actor, ...(await options.teamsOf(actor))]
      : acting.profiles;
    const created = await Promise.all(names.map(options.createdAt));
    // A name without an account (a deleted user's unexpired session) has
    // no entries that are provably its holder's; an admin may read all.
    return names
      .map((name, i): ProfileSince => ({ name, since: created[i] }))
      .filter(p => p.since || acting.admin);
  }

  router.get('/audit', async (req, res) => {
    const filter = filterOf(req.query);
    const page = {
      before: wholeNumber(req.query, 'before'),
      limit: wholeNumber(req.query, 'limit', MAX_LIMIT) ?? DEFAULT_LIMIT,
    };
    const { username, allowed } = await hasPermission(
      permissions,
      req,
      knotAuditReadPermission,
    );
    if (!allowed || req.query.mine === 'true') {
      filter.profiles = await ownProfiles(username);
    }
    const body: KnotAuditPage = await audit.list(filter, page);
    res.json(body);
  });

  router.get('/audit/export', async (req, res) => {
    await signedIn(req);
    const format = oneString(req.query, 'format') ?? 'json';
    if (format !== 'csv' && format !== 'json') {
      throw new InputError("'format' must be csv or json");
    }
    const filter = filterOf(req.query);
    const { allowed } = await hasPermission(
      permissions,
      req,
      knotAuditReadPermission,
    );
    if (!allowed) {
      throw new NotAllowedError('Only Knot admins may export the audit log');
    }
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    res.setHeader(
      'Content-Disposition',
      `attachment; filename="knot-audit-${stamp}.${format}"`,
    );
    res.type(format === 'csv' ? 'text/csv' : 'application/x-ndjson');
    // Streamed entry by entry; a slow reader holds back the next batch.
    const write = (chunk: string) =>
      res.write(chunk)
        ? Promise.resolve()
        : new Promise<void>(resolve => res.once('drain', () => resolve()));
    if (format === 'csv') await write(`${CSV_COLUMNS.join(',')}\n`);
    for await (const entry of audit.entries(filter)) {
      if (res.destroyed) return;
      await write(
        format === 'csv'
          ? `${CSV_COLUMNS.map(c => csvField(entry[c])).join(',')}\n`
          : `${JSON.stringify(entry)}\n`,
      );
    }
    res.end();
  });

  return router;
}
