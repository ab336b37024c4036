import express, { type Request } from 'express';
import Router from 'express-promise-router';
import {
  InputError,
  NotFoundError,
  ServiceUnavailableError,
} from '@backstage/errors';
import {
  imageRepositoryProblem,
  imageTagProblem,
  knotImagesManagePermission,
  type KnotImageList,
  type KnotImageUploadResult,
} from '@knot-platform/plugin-knot-common';
import type { ProfileResolver } from '../profiles/ProfileResolver';
import {
  hasPermission,
  requirePermission,
  type PermissionCheck,
} from '../permissions/requirePermission';
import type { ImagesConfig } from './config';
import { ImageAreas } from './imageAreas';
import { imageAuditEntry } from './imageAuditEntry';
import { listImages } from './imageList';
import { ImageUploader } from './ImageUploader';
import { checkDeclaredUploadSize, limitedUpload } from './uploadLimit';
import { releasingReceived } from './receivedChunks';
import { RegistryClient } from './RegistryClient';
import {
  notAudited,
  recordOutcome,
  type AuditRecorder,
} from '../audit/AuditRecorder';
import type { HttpAuthService } from '@backstage/backend-plugin-api';
import type { IngressController } from '../forwardAuth/ingressControllers';
import { createBrowserPushRouter, pushedByBrowser } from './browserPushRouter';
import type { PushGrants } from './pushGrants';

export interface ImagesRouterOptions {
  profiles: ProfileResolver;
  permissions: PermissionCheck;
  config: ImagesConfig;
  /**
   * Browser pushes (`knot.images.registry.browserPushUrl`): the grants'
   * key, and the controller whose headers the ingress's auth requests carry.
   */
  browserPush?: {
    grants: PushGrants;
    controller: IngressController;
  };
  httpAuth: HttpAuthService;
  /** Uploads and deletes, with their outcome. */
  audit?: AuditRecorder;
}

function query(req: Request, name: string): string {
  const value = req.query[name];
  if (value !== undefined && typeof value !== 'string') {
    throw new InputError(`${name} must be given once`);
  }
  return value ?? '';
}

function count(req: Request, name: string, fallback: number, max: number) {
  const value = query(req, name);
  if (!value) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > max) {
    throw new InputError(`${name} must be a whole number from 0 to ${max}`);
  }
  return n;
}

/**
 * The container registry, mounted at `/api/knot/images`: the repositories
 * of the shared area and the acting profile's own, uploads of exported
 * images into them, and deletion by admins (`knot.images.manage`) in any
 * area. Knot signs in to the registry itself; its credentials never leave
 * the backend.
 */
export function createImagesRouter(
  options: ImagesRouterOptions,
): express.Router {
  const { profiles, permissions, config } = options;
  const audit = options.audit ?? notAudited;
  const router = Router();
  const registryConfig = () => {
    if (!config.registry) {
      throw new ServiceUnavailableError(
        'No container registry is configured (knot.images.registry)',
      );
    }
    return config.registry;
  };
  const client = config.registry && new RegistryClient(config.registry);
  const isAdmin = async (req: Request) =>
    (await hasPermission(permissions, req, knotImagesManagePermission)).allowed;

  const browserPushUrl = options.browserPush && config.registry?.browserPushUrl;
  // readImagesConfig requires the key with browserPushUrl.
  const pushAuthKey = config.registry?.pushAuthKey;
  router.use(
    createBrowserPushRouter({
      httpAuth: options.httpAuth,
      profiles,
      config,
      setup:
        options.browserPush && browserPushUrl && pushAuthKey
          ? {
              ...options.browserPush,
              registry: { ...config.registry!, browserPushUrl, pushAuthKey },
              client: client!,
            }
          : undefined,
      isAdmin,
      audit,
    }),
  );

  router.get('/images', async (req, res) => {
    const profile = await profiles.resolve(req);
    const registry = registryConfig();
    const areas = new ImageAreas(config.areas, profile.name);
    const admin = await isAdmin(req);
    const page = await listImages(client!, areas, registry.pullHost, {
      filter: query(req, 'filter'),
      offset: count(req, 'offset', 0, 1_000_000),
      limit: count(req, 'limit', 20, 100),
    });
    const body: KnotImageList = {
      registry: registry.pullHost,
      uploadAreas: {
        profile: areas.profile,
        ...(areas.maySharedUpload(admin) ? { shared: areas.shared } : {}),
      },
      canDelete: admin,
      ...(browserPushUrl ? { browserPushUrl } : {}),
      ...page,
    };
    res.json(body);
  });

  // The archive is the raw request body, read as it arrives.
  router.put('/images/upload', async (req, res) => {
    const profile = await profiles.resolve(req);
    const repository = query(req, 'repository');
    const tag = query(req, 'tag');
    const absentInRegistry = pushedByBrowser(req);
    const entry = imageAuditEntry(
      req,
      profile.actor,
      profile.name,
      'image.create',
      {
        repository,
        tag,
      },
    );
    const body = await recordOutcome(audit, entry, async () => {
      const registry = registryConfig();
      const tagProblem = imageTagProblem(tag);
      new ImageAreas(config.areas, profile.name).checkUpload(
        repository,
        await isAdmin(req),
      );
      if (tagProblem) throw new InputError(tagProblem);
      checkDeclaredUploadSize(
        Number(req.headers['content-length'] ?? 0),
        config.maxUploadBytes,
      );
      // Not destroyed when reading stops early, so that the refusal can
      // still be answered once the rest of the body is drained.
      const source = limitedUpload(
        releasingReceived(req.iterator({ destroyOnReturn: false })),
        config.maxUploadBytes,
      );
      // A client gone before its answer (cancel in the browser) stops the
      // pushes still under way, even once its whole archive had arrived.
      const clientGone = new AbortController();
      res.once('close', () => {
        if (!res.writableFinished) {
          clientGone.abort(new Error('The upload was cancelled'));
        }
      });
      try {
        const outcome = await new ImageUploader(
          client!,
          config.spoolDir,
          config.pushConcurrency,
          config.maxUploadBytes,
        ).upload(repository, tag, source, clientGone.signal, {
          absentInRegistry,
        });
        const uploaded: KnotImageUploadResult = {
          repository,
          tag,
          reference: `${registry.pullHost}/${repository}:${tag}`,
          ...outcome,
        };
        return uploaded;
      } catch (error) {
        req.resume();
        throw error;
      }
    });
    res.status(201).json(body);
  });

  // Deletes a tag, or with no tag every image of the repository.
  const deleteImage = async (repository: string, tag: string) => {
    registryConfig();
    const problem =
      imageRepositoryProblem(repository) ??
      (tag ? imageTagProblem(tag) : undefined);
    if (problem) throw new InputError(problem);
    if (tag) {
      if (!(await client!.manifest(repository, tag))) {
        throw new NotFoundError(`${repository}:${tag} does not exist`);
      }
      // The tag alone: other tags of the same image stay.
      await client!.deleteManifest(repository, tag);
    } else {
      // Every image of the repository, by digest (their tags go with them).
      const digests = new Set<string>();
      for (const t of await client!.tags(repository)) {
        const manifest = await client!.manifest(repository, t);
        if (manifest) digests.add(manifest.digest);
      }
      for (const digest of digests) {
        await client!.deleteManifest(repository, digest);
      }
    }
  };

  // A tag, or with no tag the whole repository; admins only, any area.
  router.delete('/images', async (req, res) => {
    const admin = await requirePermission(
      permissions,
      req,
      knotImagesManagePermission,
    );
    const repository = query(req, 'repository');
    const tag = query(req, 'tag');
    const entry = imageAuditEntry(req, admin, admin, 'image.delete', {
      repository,
      tag: tag || undefined,
    });
    await recordOutcome(audit, entry, () => deleteImage(repository, tag));
    res.status(204).end();
  });

  return router;
}
