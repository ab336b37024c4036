import type {
  KnotQuotaShortfall,
  KnotServiceFit,
} from '@knot-platform/plugin-knot-common';
import type { Usage } from './podUsage';
import {
  bareResource,
  describeAmount,
  humanAmount,
  requirement,
  toMilli,
} from './quantities';

/** One ResourceQuota of the namespace: its limits and what is used. */
export interface QuotaState {
  hard: Record<string, string>;
  used: Record<string, string>;
}

/** What a request is held against. */
export interface FitInput {
  profile: string;
  /** What the deploy needs once running. */
  needed: Usage;
  /** Quota resources a container leaves unset → `container x of Deployment y`. */
  unset: Map<string, string>;
  quotas: QuotaState[];
  /** An upgrade: what the release holds now (given back when it is replaced). */
  held?: { release: string; usage: Usage };
}

const BARE_REQUESTS = new Set(['cpu', 'memory', 'ephemeral-storage']);

/**
 * Whether `needed` fits every quota: per resource a quota tracks,
 * hard − used (+ what the release gives back) must hold it. Each resource
 * that does not fit is named once, with the tightest quota.
 */
export function quotaVerdict(input: FitInput): KnotServiceFit {
  const { profile, needed, unset, held } = input;
  const tightest = new Map<string, { free: number; hard: number }>();
  for (const quota of input.quotas) {
    for (const [name, hardText] of Object.entries(quota.hard)) {
      const hard = toMilli(hardText);
      if (hard === undefined) continue;
      const used = toMilli(quota.used[name] ?? '0') ?? 0;
      // `cpu` is `requests.cpu` to a quota: one resource, said once.
      const resource = BARE_REQUESTS.has(name) ? `requests.${name}` : name;
      const free = hard - used + (held?.usage.get(resource) ?? 0);
      const known = tightest.get(resource);
      if (!known || free < known.free) tightest.set(resource, { free, hard });
    }
  }
  const shortfalls: KnotQuotaShortfall[] = [];
  const missing = new Set<string>();
  for (const [resource, { free, hard }] of tightest) {
    const container = unset.get(resource);
    // `cpu` and `requests.cpu` are one requirement: say it once.
    const requirementText = container && requirement(resource);
    if (requirementText && !missing.has(requirementText)) {
      missing.add(requirementText);
      shortfalls.push({
        resource,
        message: `${profile}'s quota limits ${
          resource.startsWith('limits.') ? 'limits' : 'requests'
        } of ${
          bareResource(resource) === 'cpu' ? 'CPU' : bareResource(resource)
        }, so every container must set ${requirementText}; ${container} sets none`,
      });
      continue;
    }
    const need = needed.get(resource) ?? 0;
    if (need === 0 || need <= free) continue;
    const heldNow = held?.usage.get(resource) ?? 0;
    shortfalls.push({
      resource,
      message: `Needs ${describeAmount(resource, need)}, ${describeAmount(
        resource,
        Math.max(free, 0),
      )} free of ${humanAmount(resource, hard)} in ${profile}'s quota${
        heldNow > 0
          ? ` (counting the ${describeAmount(resource, heldNow)} ${
              held!.release
            } holds now)`
          : ''
      }`,
    });
  }
  if (!shortfalls.length) return { fits: true, shortfalls };
  const sentences = shortfalls.map((s, i) =>
    i === 0 ? s.message : s.message[0].toLowerCase() + s.message.slice(1),
  );
  return { fits: false, message: sentences.join('; '), shortfalls };
}
