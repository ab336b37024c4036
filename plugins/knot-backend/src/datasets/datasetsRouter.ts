import express from 'express';
import Router from 'express-promise-router';
import { NotAllowedError } from '@backstage/errors';
import type {
  KnotDatasetConnectionResult,
  KnotDatasetList,
} from '@knot-platform/plugin-knot-common';
import type { KubernetesClientFactory } from '../kubernetes/KubernetesClientFactory';
import type { ProfileResolver } from '../profiles/ProfileResolver';
import type { DatasetsConfig } from './config';
import { servicesByClaim } from './datasetMounts';
import { parseS3DatasetInput } from './datasetInput';
import {
  DatashimDatasets,
  datashimMissingMessage,
  toKnotDataset,
} from './DatashimDatasets';
import { testS3Connection } from './s3Connection';
import type { AuditRecord } from '../audit/AuditLog';
import {
  notAudited,
  recordOutcome,
  type AuditRecorder,
} from '../audit/AuditRecorder';
import { sourceAddress } from '../audit/sourceAddress';

export interface DatasetsRouterOptions {
  profiles: ProfileResolver;
  kubernetes: KubernetesClientFactory;
  datasets: DatashimDatasets;
  config: DatasetsConfig;
  /** Creates and deletes, with their outcome: never keys or secrets. */
  audit?: AuditRecorder;
}

/**
 * Datasets of the acting profile: list, test a connection, create, delete.
 * Keys are checked against the endpoint before anything is saved, stored
 * in a Secret the Dataset refers to, and never sent back.
 */
export function createDatasetsRouter(
  options: DatasetsRouterOptions,
): express.Router {
  const { profiles, kubernetes, datasets, config } = options;
  const audit = options.audit ?? notAudited;
  const router = Router();

  const datasetEntry = (
    req: express.Request,
    profile: { name: string; actor: string },
    action: AuditRecord['action'],
    name: unknown,
    details?: Record<string, unknown>,
  ): AuditRecord => ({
    action,
    actor: profile.actor,
    actingProfile: profile.name,
    target: `dataset ${profile.name}/${
      typeof name === 'string' ? name.slice(0, 63) : ''
    }`,
    targetProfile: profile.name,
    sourceIp: sourceAddress(req),
    details,
  });

  router.get('/datasets', async (req, res) => {
    const profile = await profiles.resolve(req);
    if (!(await datasets.apiGroup())) {
      const body: KnotDatasetList = {
        available: false,
        message: datashimMissingMessage(),
        items: [],
      };
      res.json(body);
      return;
    }
    const [items, mounts] = await Promise.all([
      datasets.listObjects(profile.namespace),
      servicesByClaim(kubernetes, profile.namespace),
    ]);
    const body: KnotDatasetList = {
      available: true,
      items: items.map(item =>
        toKnotDataset(item, mounts.get(item.metadata.name) ?? []),
      ),
    };
    res.json(body);
  });

  // "Test connection": nothing is saved.
  router.post('/datasets/test', async (req, res) => {
    await profiles.resolve(req);
    const input = parseS3DatasetInput(req.body);
    const body: KnotDatasetConnectionResult = await testS3Connection(
      input,
      config.connectTimeoutMs,
      config,
    );
    res.json(body);
  });

  router.post('/datasets', async (req, res) => {
    const profile = await profiles.resolve(req);
    // Where the data is, never the keys.
    const { name, endpoint, bucket, prefix } = (req.body ?? {}) as Record<
      string,
      unknown
    >;
    const entry = datasetEntry(req, profile, 'dataset.create', name, {
      endpoint:
        typeof endpoint === 'string' ? endpoint.slice(0, 256) : undefined,
      bucket: typeof bucket === 'string' ? bucket.slice(0, 63) : undefined,
      prefix: typeof prefix === 'string' ? prefix.slice(0, 256) : undefined,
    });
    const created = await recordOutcome(audit, entry, async () => {
      const input = parseS3DatasetInput(req.body);
      await datasets.requireApiGroup();
      // The same check as "Test connection": a dataset that cannot be listed
      // is refused before anything is created.
      await testS3Connection(input, config.connectTimeoutMs, config);
      return datasets.createS3(profile.namespace, input);
    });
    res.status(201).json(toKnotDataset(created, []));
  });

  router.delete('/datasets/:name', async (req, res) => {
    const profile = await profiles.resolve(req);
    const entry = datasetEntry(req, profile, 'dataset.delete', req.params.name);
    await recordOutcome(audit, entry, async () => {
      await datasets.requireApiGroup();
      const item = await datasets.find(profile.namespace, req.params.name);
      const dataset = toKnotDataset(item, []);
      if (dataset.shared) {
        throw new NotAllowedError(
          `'${dataset.name}' is shared by an administrator with every profile and cannot be deleted here`,
        );
      }
      await datasets.delete(profile.namespace, item);
    });
    res.status(204).end();
  });

  return router;
}
