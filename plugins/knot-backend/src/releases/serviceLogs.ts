import http from 'node:http';
import https from 'node:https';
import type { Response } from 'express';
import type { V1ContainerStatus, V1Pod } from '@kubernetes/client-node';
import { InputError, NotFoundError } from '@backstage/errors';
import {
  MAX_LOG_TAIL_LINES,
  type KnotServiceContainer,
  type KnotServicePod,
} from '@knot-platform/plugin-knot-common';
import type { KubernetesClientFactory } from '../kubernetes/KubernetesClientFactory';
import { HttpStatusError } from '../files/fsErrors';
import { INSTANCE_LABEL } from './releaseStatus';

/** Lines a log starts with when the request does not say (`tailLines`). */
const DEFAULT_TAIL_LINES = 1000;

/** A pod or container name: a DNS subdomain (pods) or label (containers). */
const NAME_PATTERN = /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/;

/** kubectl's annotation naming the container a pod's logs default to. */
const DEFAULT_CONTAINER_ANNOTATION = 'kubectl.kubernetes.io/default-container';

/** Log requests to the API server still open, for tests and metrics. */
const openStreams = new Set<http.ClientRequest>();

/** How many container logs are being streamed from the API server now. */
export function openPodLogStreams(): number {
  return openStreams.size;
}

/**
 * Logs one user may follow at once: each holds a request to the API
 * server open for as long as the container runs.
 */
export const MAX_FOLLOWED_LOGS_PER_USER = 8;

/** How often a followed log asks whether its reader may still read it. */
const FOLLOW_RECHECK_MS = 30_000;

/** Followed logs open now, by user. */
const followed = new Map<string, number>();

/** Who follows a log, and whether they still may (rights change). */
export interface LogFollower {
  user: string;
  stillAllowed: () => Promise<boolean>;
  /** Tests only: how often to ask. */
  recheckMs?: number;
}

function toContainer(
  name: string,
  init: boolean,
  status: V1ContainerStatus | undefined,
): KnotServiceContainer {
  const state = status?.state;
  let phase: KnotServiceContainer['state'] = 'waiting';
  if (state?.running) phase = 'running';
  else if (state?.terminated) phase = 'terminated';
  const reason =
    state?.waiting?.reason ?? state?.terminated?.reason ?? undefined;
  return {
    name,
    init,
    state: phase,
    ...(reason && { reason }),
    restarts: status?.restartCount ?? 0,
    hasPrevious: Boolean(status?.lastState?.terminated),
  };
}

/** A release's pod with its containers, init containers first. */
export function toKnotServicePod(pod: V1Pod): KnotServicePod {
  const status = (statuses: V1ContainerStatus[] | undefined, name: string) =>
    statuses?.find(s => s.name === name);
  return {
    name: pod.metadata?.name ?? '',
    phase: pod.status?.phase ?? 'Unknown',
    created: pod.metadata?.creationTimestamp
      ? new Date(pod.metadata.creationTimestamp).toISOString()
      : '',
    containers: [
      ...(pod.spec?.initContainers ?? []).map(c =>
        toContainer(
          c.name,
          true,
          status(pod.status?.initContainerStatuses, c.name),
        ),
      ),
      ...(pod.spec?.containers ?? []).map(c =>
        toContainer(
          c.name,
          false,
          status(pod.status?.containerStatuses, c.name),
        ),
      ),
    ],
  };
}

/**
 * The pod of a release in the profile's namespace: only a pod that carries
 * the release's instance label, so a pod of another release (or none) is
 * "not found", exactly as a pod that does not exist.
 */
export async function releasePod(
  kubernetes: KubernetesClientFactory,
  namespace: string,
  release: string,
  podName: unknown,
): Promise<V1Pod> {
  if (typeof podName !== 'string' || podName === '') {
    throw new InputError(
      `Say which pod of ${release}: ?pod=<name> (GET /services/${release}/pods lists them)`,
    );
  }
  if (!NAME_PATTERN.test(podName)) {
    throw new InputError(`'${podName}' is not a pod name`);
  }
  const notFound = new NotFoundError(
    `Service ${release} has no pod '${podName}'`,
  );
  const core = await kubernetes.makeClient(lib => lib.CoreV1Api);
  let pod: V1Pod;
  try {
    pod = await core.readNamespacedPod({ name: podName, namespace });
  } catch (e) {
    if ((e as { code?: number }).code === 404) throw notFound;
    throw e;
  }
  if (pod.metadata?.labels?.[INSTANCE_LABEL] !== release) throw notFound;
  return pod;
}

/** What a log request asks for, checked against the pod. */
export interface PodLogRequest {
  container: string;
  previous: boolean;
  follow: boolean;
  tailLines: number;
}

function flag(query: Record<string, unknown>, name: string): boolean {
  const value = query[name];
  if (value === undefined) return false;
  if (typeof value === 'string' && /^(true|1|)$/.test(value)) return true;
  if (typeof value === 'string' && /^(false|0)$/.test(value)) return false;
  throw new InputError(`${name} must be true or false`);
}

/**
 * The log request of a query (`container`, `previous`, `follow`,
 * `tailLines`): a container the pod has (its default one when not named),
 * a previous run only when it had one, at most {@link MAX_LOG_TAIL_LINES}.
 */
export function podLogRequest(
  pod: V1Pod,
  query: Record<string, unknown>,
): PodLogRequest {
  const podName = pod.metadata?.name ?? '';
  const containers = toKnotServicePod(pod).containers;
  const named = query.container;
  if (named !== undefined && typeof named !== 'string') {
    throw new InputError('container must be one name');
  }
  const container =
    named ||
    pod.metadata?.annotations?.[DEFAULT_CONTAINER_ANNOTATION] ||
    containers.find(c => !c.init)?.name ||
    '';
  const found = containers.find(c => c.name === container);
  if (!found) {
    throw new InputError(
      `Pod ${podName} has no container '${container}'; it has ${containers
        .map(c => c.name)
        .join(', ')}`,
    );
  }
  const previous = flag(query, 'previous');
  if (previous && !found.hasPrevious) {
    throw new InputError(
      `Container ${container} of pod ${podName} has not restarted: there is no previous log`,
    );
  }
  let tailLines = DEFAULT_TAIL_LINES;
  if (query.tailLines !== undefined) {
    const text = query.tailLines;
    if (
      typeof text !== 'string' ||
      !/^\d+$/.test(text) ||
      Number(text) > MAX_LOG_TAIL_LINES
    ) {
      throw new InputError(
        `tailLines must be a whole number from 0 to ${MAX_LOG_TAIL_LINES}`,
      );
    }
    tailLines = Number(text);
  }
  return { container, previous, follow: flag(query, 'follow'), tailLines };
}

/** The message of a Kubernetes Status body, or the body itself. */
function statusMessage(body: string): string {
  try {
    return (JSON.parse(body) as { message?: string }).message ?? body;
  } catch {
    return body;
  }
}

/**
 * The kubelet's whole answer (200) for a run whose container is no longer
 * on the node.
 */
export const KUBELET_RUN_GONE =
  /^unable to retrieve container logs for [a-z0-9]+:\/\/[a-f0-9]+\s*$/;

function sendLogHeaders(res: Response) {
  res.status(200);
  res.setHeader('Content-Type', 'text/plain; charset=utf-8');
  // no-transform: the backend's compression would hold lines back.
  res.setHeader('Cache-Control', 'no-cache, no-transform');
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.flushHeaders();
}

/**
 * The first `limit` bytes of `stream`, or all of it when it ends sooner;
 * the rest stays in the (paused) stream for a pipe.
 */
function peek(
  stream: http.IncomingMessage,
  limit: number,
): Promise<{ head: Buffer; ended: boolean }> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done: (ended: boolean) => void = () => undefined;
    const onData = (chunk: Buffer) => {
      chunks.push(chunk);
      size += chunk.length;
      if (size >= limit) done(false);
    };
    const onEnd = () => done(true);
    done = ended => {
      stream.off('data', onData);
      stream.off('end', onEnd);
      stream.off('close', onEnd);
      stream.off('error', reject);
      if (!ended) stream.pause();
      resolve({ head: Buffer.concat(chunks), ended });
    };
    stream.on('data', onData);
    stream.once('end', onEnd);
    // Closed without an end: the reader left and the request was destroyed.
    stream.once('close', onEnd);
    stream.once('error', reject);
  });
}

/**
 * Streams a container's log from the API server to `res` as text/plain,
 * chunk by chunk as the kubelet gives it (with `follow`, while the
 * container runs). The API server's refusals before the first byte become
 * the usual errors; a client that goes away closes the upstream request at
 * once, so no log stream outlives its reader.
 */
export async function streamPodLog(
  kubernetes: KubernetesClientFactory,
  namespace: string,
  pod: string,
  request: PodLogRequest,
  res: Response,
  follower?: LogFollower,
): Promise<void> {
  if (request.follow && follower) {
    const count = followed.get(follower.user) ?? 0;
    if (count >= MAX_FOLLOWED_LOGS_PER_USER) {
      throw new HttpStatusError(
        429,
        `You follow ${count} logs already: close one to follow another`,
      );
    }
    followed.set(follower.user, count + 1);
    res.once('close', () => {
      const left = (followed.get(follower.user) ?? 1) - 1;
      if (left > 0) followed.set(follower.user, left);
      else followed.delete(follower.user);
    });
  }
  const kubeConfig = await kubernetes.kubeConfig();
  const server = kubeConfig.getCurrentCluster()?.server?.replace(/\/+$/, '');
  if (!server) throw new Error('No Kubernetes cluster is configured');
  const url = new URL(
    `${server}/api/v1/namespaces/${encodeURIComponent(
      namespace,
    )}/pods/${encodeURIComponent(pod)}/log`,
  );
  url.searchParams.set('container', request.container);
  url.searchParams.set('previous', String(request.previous));
  url.searchParams.set('follow', String(request.follow));
  url.searchParams.set('tailLines', String(request.tailLines));
  const options: https.RequestOptions = {};
  await kubeConfig.applyToHTTPSOptions(options);

  const upstream = (url.protocol === 'https:' ? https : http).request(url, {
    ...options,
    method: 'GET',
  });
  openStreams.add(upstream);
  upstream.on('close', () => openStreams.delete(upstream));
  // The reader went away (or the response ended): stop reading the log.
  res.on('close', () => upstream.destroy());

  const answer = await new Promise<http.IncomingMessage | undefined>(
    (resolve, reject) => {
      upstream.on('response', resolve);
      upstream.on('error', e =>
        res.destroyed ? resolve(undefined) : reject(e),
      );
      upstream.end();
    },
  );
  if (!answer) return;
  if (answer.statusCode !== 200) {
    let body = '';
    for await (const chunk of answer) body += chunk;
    upstream.destroy();
    const message = statusMessage(body);
    if (answer.statusCode === 400) throw new InputError(message);
    if (answer.statusCode === 404) {
      throw new NotFoundError(`Pod ${pod} is gone`);
    }
    throw new Error(
      `The cluster did not give the log (${answer.statusCode}): ${message}`,
    );
  }
  // The kubelet answers 200 with this one line when the run it was asked
  // for is no longer on the node: it keeps one ended run of a container,
  // so once a crashing container has ended again the run before is gone
  // (on the real node, a second or two after each restart).
  let head: Buffer | undefined;
  if (request.previous) {
    const peeked = await peek(answer, 512);
    if (peeked.ended && KUBELET_RUN_GONE.test(peeked.head.toString('utf8'))) {
      upstream.destroy();
      throw new NotFoundError(
        `The run before the last of container ${request.container} is no longer on the node (Kubernetes keeps only the last ended run): read the log without "Previous run"`,
      );
    }
    head = peeked.head;
    if (peeked.ended) {
      sendLogHeaders(res);
      res.end(head);
      return;
    }
  }
  sendLogHeaders(res);
  if (head?.length) res.write(head);
  answer.on('error', () => res.end());
  answer.pipe(res);
  if (request.follow && follower) {
    // Rights are checked when a log opens; a followed one runs as long as
    // the container, so they are asked again: a user deactivated or out
    // of the team stops reading it.
    const recheck = setInterval(async () => {
      if (await follower.stillAllowed().catch(() => false)) return;
      clearInterval(recheck);
      answer.unpipe(res);
      upstream.destroy();
      res.end('\n[Knot: the log stops here: you may no longer read it]\n');
    }, follower.recheckMs ?? FOLLOW_RECHECK_MS);
    res.once('close', () => clearInterval(recheck));
  }
}
