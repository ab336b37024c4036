import { createHash, timingSafeEqual } from 'node:crypto';
import express, { type Request } from 'express';
import Router from 'express-promise-router';
import type { HttpAuthService } from '@backstage/backend-plugin-api';
import { ConflictError, InputError, NotFoundError } from '@backstage/errors';
import {
  IMAGE_PUSH_GRANT_HEADER,
  imageTagProblem,
  type KnotImagePushGrant,
} from '@knot-platform/plugin-knot-common';
import {
  notAudited,
  recordOutcome,
  type AuditRecorder,
} from '../audit/AuditRecorder';
import type { ProfileResolver } from '../profiles/ProfileResolver';
import {
  type IngressController,
  forwardedRequest,
} from '../forwardAuth/ingressControllers';
import type { ImagesConfig, RegistryConfig } from './config';
import { ImageAreas } from './imageAreas';
import { imageAuditEntry } from './imageAuditEntry';
import type { PushGrants } from './pushGrants';
import { pushRequestProblem } from './pushRequestProblem';
import type { RegistryClient } from './RegistryClient';

const DIGEST = /^sha256:[a-f0-9]{64}$/;
/** More blobs than any image has: a bound on the registry lookups. */
const MAX_BLOBS = 1000;

/** What browser pushes need, when they are on. */
export interface BrowserPushSetup {
  registry: RegistryConfig & { browserPushUrl: string; pushAuthKey: string };
  client: RegistryClient;
  grants: PushGrants;
  /** Which headers name the routed request (forward-auth's setting). */
  controller: IngressController;
}

export interface BrowserPushRouterOptions {
  httpAuth: HttpAuthService;
  profiles: ProfileResolver;
  config: ImagesConfig;
  /** Unset: browser pushes are off, both routes answer 404. */
  setup?: BrowserPushSetup;
  isAdmin: (req: Request) => Promise<boolean>;
  /** Records each grant asked for (`image.pushGrant`). */
  audit?: AuditRecorder;
}

function off(): never {
  throw new NotFoundError(
    'Browser pushes are off: knot.images.registry.browserPushUrl is not set',
  );
}

/** The one value of a header, or undefined when absent or repeated. */
function single(req: Request, name: string): string | undefined {
  const values = req.headersDistinct[name];
  return values?.length === 1 ? values[0].trim() : undefined;
}

/**
 * Whether the request carries the ingress's key (`?key=`), compared in
 * constant time; the log line of the request then shows no key.
 */
function fromIngress(req: Request, pushAuthKey: string): boolean {
  const given = req.query.key;
  req.originalUrl = req.originalUrl.replace(/([?&]key=)[^&]*/g, '$1-');
  if (typeof given !== 'string') return false;
  const digest = (text: string) => createHash('sha256').update(text).digest();
  return timingSafeEqual(digest(given), digest(pushAuthKey));
}

/** The blobs a push request declares, checked. */
function declaredBlobs(body: any, maxBytes: number): Record<string, number> {
  if (!Array.isArray(body?.blobs) || body.blobs.length > MAX_BLOBS) {
    throw new InputError(`blobs must be a list of up to ${MAX_BLOBS} blobs`);
  }
  const blobs: Record<string, number> = {};
  let total = 0;
  for (const blob of body.blobs) {
    if (
      typeof blob?.digest !== 'string' ||
      !DIGEST.test(blob.digest) ||
      !Number.isSafeInteger(blob.size) ||
      blob.size < 0
    ) {
      throw new InputError(
        'Each blob needs a sha256 digest (sha256:<64 hex digits>) and a size in bytes',
      );
    }
    blobs[blob.digest] = blob.size;
    total += blob.size;
  }
  if (total > maxBytes) {
    throw new InputError(
      `These blobs are larger than an upload may be (knot.images.maxUploadBytes)`,
    );
  }
  return blobs;
}

/**
 * Browser pushes (`knot.images.registry.browserPushUrl`): an upload's large
 * blobs go from the browser to the registry through the ingress, not
 * through the portal's one JavaScript thread (bench/images/README.md).
 *
 * - `POST /images/pushes` checks what `PUT /images/upload` checks (acting
 *   profile, area, names, tag not taken) and answers the blobs the
 *   registry lacks with a grant for exactly those, for this user and
 *   repository, for 15 minutes.
 * - `/images/push-auth` is the ingress's auth-url for the registry's
 *   `/v2/`: with the user's Backstage token and the grant, it lets through
 *   only the requests of those blobs' uploads (`pushRequestProblem`) and
 *   answers Knot's registry credentials, which the ingress puts on the
 *   request in place of the user's token. The browser never sees them.
 */
export function createBrowserPushRouter(
  options: BrowserPushRouterOptions,
): express.Router {
  const { httpAuth, profiles, config, setup } = options;
  const router = Router();

  router.post(
    '/images/pushes',
    express.json({ limit: '1mb' }),
    async (req, res) => {
      const profile = await profiles.resolve(req, 'write');
      const { principal } = await httpAuth.credentials(req, {
        allow: ['user'],
      });
      const repository = req.body?.repository;
      const tag = req.body?.tag;
      if (typeof repository !== 'string' || typeof tag !== 'string') {
        throw new InputError('repository and tag are required');
      }
      // Blobs pushed with a grant and never committed stay in the registry
      // until its garbage collection: the log says who was let push them.
      const entry = imageAuditEntry(
        req,
        profile.actor,
        profile.name,
        'image.pushGrant',
        { repository, tag },
      );
      const body = await recordOutcome(
        options.audit ?? notAudited,
        entry,
        async (): Promise<KnotImagePushGrant> => {
          new ImageAreas(config.areas, profile.name).checkUpload(
            repository,
            await options.isAdmin(req),
          );
          const tagProblem = imageTagProblem(tag);
          if (tagProblem) throw new InputError(tagProblem);
          const declared = declaredBlobs(req.body, config.maxUploadBytes);
          if (!setup) off();
          const { client, grants, registry } = setup;
          if (await client.manifest(repository, tag)) {
            throw new ConflictError(
              `${repository}:${tag} exists already: choose another tag (only an admin can delete it)`,
            );
          }
          const missing: Record<string, number> = {};
          for (const [digest, size] of Object.entries(declared)) {
            if (!(await client.hasBlob(repository, digest))) {
              missing[digest] = size;
            }
          }
          const { grant, expiresAt } = grants.issue({
            user: principal.userEntityRef,
            profile: profile.name,
            repository,
            blobs: missing,
          });
          entry.details = {
            blobs: Object.keys(missing).length,
            bytes: Object.values(missing).reduce((a, b) => a + b, 0),
          };
          return {
            url: registry.browserPushUrl,
            missing: Object.keys(missing),
            grant,
            expiresAt,
          };
        },
      );
      res.json(body);
    },
  );

  // GET: Traefik asks so; ingress-nginx with `auth-method: GET`.
  router.get('/images/push-auth', async (req, res) => {
    res.setHeader('Cache-Control', 'no-store');
    const refuse = (status: number, message: string) =>
      res.status(status).type('text/plain').send(message);
    if (!setup) off();
    const { grants, registry, controller } = setup;
    // Only the ingress: its answer holds Knot's registry credentials, and a
    // user who calls it with the headers an ingress sets would read them.
    if (!fromIngress(req, registry.pushAuthKey)) {
      throw new NotFoundError('Not found');
    }
    const { principal } = await httpAuth.credentials(req, { allow: ['user'] });
    const given = single(req, IMAGE_PUSH_GRANT_HEADER);
    const grant = given ? grants.verify(given) : undefined;
    if (!grant || grant.user !== principal.userEntityRef) {
      refuse(401, 'No valid push grant of yours: start the upload again');
      return;
    }
    const method = single(
      req,
      controller === 'ingress-nginx'
        ? 'x-original-method'
        : 'x-forwarded-method',
    );
    const forwarded = forwardedRequest(req, controller);
    if (!method || !forwarded) {
      refuse(400, `Not an auth request of the ${controller} ingress`);
      return;
    }
    const problem = pushRequestProblem(grant, method, forwarded.rawPath);
    if (problem) {
      refuse(403, problem);
      return;
    }
    // The grant's rights are checked again on each use, not only when it
    // was issued: deactivated or out of the team within its 15 minutes, the
    // user pushes nothing more (403); nor outside the areas they may write.
    await profiles.resolve(req, 'write', grant.profile);
    new ImageAreas(config.areas, grant.profile).checkUpload(
      grant.repository,
      await options.isAdmin(req),
    );
    const { credentials } = registry;
    if (credentials) {
      res.setHeader(
        'Authorization',
        `Basic ${Buffer.from(
          `${credentials.username}:${credentials.password}`,
        ).toString('base64')}`,
      );
    }
    res.status(200).end();
  });

  return router;
}

/** Whether `PUT /images/upload` was told the large blobs are pushed. */
export function pushedByBrowser(req: Request): boolean {
  const value = req.query.pushed;
  if (value === undefined) return false;
  if (value !== 'browser') {
    throw new InputError("pushed must be 'browser' when given");
  }
  return true;
}
