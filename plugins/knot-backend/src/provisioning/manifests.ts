import path from 'node:path';
import type { KubernetesObject } from '@kubernetes/client-node';
import {
  KNOT_NAMESPACE_ENABLED,
  KNOT_NAMESPACE_LABEL,
  MANAGED_BY_KNOT,
  MANAGED_BY_LABEL,
  OWNER_LABEL,
  PRIVATE_VOLUME_CLAIM,
  SHARED_VOLUME_CLAIM,
  privateVolumeName,
  profileNamespace,
  sharedVolumeName,
  teamNamespaceRole,
  teamRoleMay,
} from '@knot-platform/plugin-knot-common';
import { argoWorkflowsObjects } from './argoWorkflows';
import {
  DEFAULT_SERVICE_ACCOUNT,
  REGISTRY_PULL_SECRET,
  registryPullSecretObjects,
} from './registryPullSecret';
import type { ProvisioningTarget } from './ProfileSource';
import type { ProvisioningConfig } from './config';

/** The ServiceAccount Knot creates next to `default` in every namespace. */
export const KNOT_SERVICE_ACCOUNT = 'knot';
/** RoleBinding granting both ServiceAccounts the namespace-confined role. */
export const KNOT_ROLE_BINDING = 'knot';
/**
 * The built-in `admin` ClusterRole, granted through a RoleBinding so it only
 * applies inside the namespace. Unlike `cluster-admin` (what the original Knot
 * bound), `admin` cannot edit the namespace's ResourceQuota or LimitRange,
 * so quotas hold; it still manages workloads, secrets and Roles, as Helm
 * charts need.
 */
export const NAMESPACE_ROLE = 'admin';
/**
 * RoleBindings in a team's namespace for its members' own ServiceAccounts
 * (a member's services, and the member's namespace token, reach the team's
 * namespace): members and owners may change things, viewers only look.
 */
export const KNOT_MEMBERS_ROLE_BINDING = 'knot-members';
export const KNOT_VIEWERS_ROLE_BINDING = 'knot-viewers';
/** RoleBinding granting the in-cluster portal the namespace role. */
export const KNOT_PORTAL_ROLE_BINDING = 'knot-portal';
export const KNOT_QUOTA = 'knot-quota';
export const KNOT_LIMITS = 'knot-limits';
/** Label on PVs naming their data domain. */
export const DOMAIN_LABEL = 'knot/domain';

export type Domain = 'private' | 'shared';

/** An object Knot manages; `metadata.name` always set. */
export type KnotObject = KubernetesObject & {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
  };
  [field: string]: unknown;
};

/** An object that must not exist (e.g. the RoleBinding of a deactivated profile). */
export interface AbsentObject {
  apiVersion: string;
  kind: string;
  name: string;
  namespace?: string;
}

/** What a profile should look like in the cluster. */
export interface ProfileManifests {
  namespace: KnotObject;
  /** Objects needing only the namespace (RBAC, quota, PVs). */
  objects: KnotObject[];
  /** The two PVCs, applied after their PVs. */
  claims: KnotObject[];
  absent: AbsentObject[];
  /** Applied once `objects` exist (they refer to them). */
  afterObjects?: KnotObject[];
}

export function knotLabels(owner: string): Record<string, string> {
  return { [MANAGED_BY_LABEL]: MANAGED_BY_KNOT, [OWNER_LABEL]: owner };
}

/** The private folder of a profile on the backend's filesystem. */
export function privateFolder(
  config: Pick<ProvisioningConfig, 'privateDir'>,
  name: string,
) {
  return path.join(config.privateDir, name);
}

function volumeSource(
  config: ProvisioningConfig,
  domain: Domain,
  name: string,
): Record<string, unknown> {
  const v = config.volume;
  const base = domain === 'private' ? 'privatePath' : 'sharedPath';
  const sub = (p: string) =>
    domain === 'private' ? path.posix.join(p, name) : p;
  switch (v.type) {
    case 'hostPath':
      return { hostPath: { path: sub(v[base]), type: 'Directory' } };
    case 'nfs':
      return { nfs: { server: v.server, path: sub(v[base]) } };
    case 'csi':
      return {
        csi: {
          driver: v.driver,
          volumeHandle: `${v.volumeHandlePrefix}${pvName(
            config,
            domain,
            name,
          )}`,
          volumeAttributes: Object.fromEntries(
            Object.entries(v.volumeAttributes).map(([k, value]) => [
              k,
              value.replace(/\{name\}/g, name).replace(/\{domain\}/g, domain),
            ]),
          ),
        },
      };
    default:
      throw new Error('unknown volume type');
  }
}

export function pvName(
  config: Pick<ProvisioningConfig, 'namespacePrefix'>,
  domain: Domain,
  name: string,
): string {
  return domain === 'private'
    ? privateVolumeName(name, config.namespacePrefix)
    : sharedVolumeName(name, config.namespacePrefix);
}

export function claimName(domain: Domain): string {
  return domain === 'private' ? PRIVATE_VOLUME_CLAIM : SHARED_VOLUME_CLAIM;
}

/**
 * The desired objects of one profile. PV and PVC name each other (claimRef,
 * volumeName), so the PV controller binds exactly this pair and no other
 * claim can take the volume.
 */
export function profileManifests(
  target: ProvisioningTarget,
  config: ProvisioningConfig,
): ProfileManifests {
  const { name } = target;
  const ns = profileNamespace(name, config.namespacePrefix);
  const labels = knotLabels(name);
  const nsLabels: Record<string, string> = {
    ...labels,
    [KNOT_NAMESPACE_LABEL]: KNOT_NAMESPACE_ENABLED,
  };
  if (config.podSecurity) {
    // Baseline forbids hostPath volumes in pods: the data domains are only
    // reachable through the PVCs bound here.
    nsLabels['pod-security.kubernetes.io/enforce'] = config.podSecurity;
  }
  const namespace: KnotObject = {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name: ns, labels: nsLabels },
  };
  const objects: KnotObject[] = [
    {
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: { name: KNOT_SERVICE_ACCOUNT, namespace: ns, labels },
    },
  ];
  // The registry's pull secret, used by both accounts (registryPullSecret.ts).
  // With Harbor the reconciler writes it: its robot secret is Harbor's.
  const pull =
    config.registryPullSecret &&
    !config.harbor &&
    registryPullSecretObjects(config.registryPullSecret, ns, labels);
  if (config.registryPullSecret || config.harbor) {
    const imagePullSecrets = [{ name: REGISTRY_PULL_SECRET }];
    objects[0].imagePullSecrets = imagePullSecrets;
    objects.push({
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: { name: DEFAULT_SERVICE_ACCOUNT, namespace: ns, labels },
      imagePullSecrets,
    });
  }
  const absent: AbsentObject[] = [];
  const roleBinding = {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'RoleBinding',
    name: KNOT_ROLE_BINDING,
    namespace: ns,
  };
  if (target.active) {
    objects.push({
      apiVersion: roleBinding.apiVersion,
      kind: roleBinding.kind,
      metadata: { name: KNOT_ROLE_BINDING, namespace: ns, labels },
      roleRef: {
        apiGroup: 'rbac.authorization.k8s.io',
        kind: 'ClusterRole',
        name: NAMESPACE_ROLE,
      },
      subjects: ['default', KNOT_SERVICE_ACCOUNT].map(sa => ({
        kind: 'ServiceAccount',
        name: sa,
        namespace: ns,
      })),
    });
  } else {
    absent.push(roleBinding);
  }

  const memberBindings = target.isTeam
    ? ([
        [KNOT_MEMBERS_ROLE_BINDING, true],
        [KNOT_VIEWERS_ROLE_BINDING, false],
      ] as const)
    : [];
  for (const [bindingName, write] of memberBindings) {
    const members = target.active
      ? (target.members ?? []).filter(
          m => teamRoleMay(m.role, 'write') === write,
        )
      : [];
    if (members.length === 0) {
      absent.push({ ...roleBinding, name: bindingName });
      continue;
    }
    objects.push({
      apiVersion: roleBinding.apiVersion,
      kind: roleBinding.kind,
      metadata: { name: bindingName, namespace: ns, labels },
      roleRef: {
        apiGroup: 'rbac.authorization.k8s.io',
        kind: 'ClusterRole',
        name: teamNamespaceRole(write ? 'member' : 'viewer'),
      },
      subjects: members.flatMap(member =>
        ['default', KNOT_SERVICE_ACCOUNT].map(sa => ({
          kind: 'ServiceAccount',
          name: sa,
          namespace: profileNamespace(member.name, config.namespacePrefix),
        })),
      ),
    });
  }

  // The in-cluster portal deploys and stops services here, deactivated or
  // not; its ClusterRole alone cannot (README of deploy/helm/knot).
  if (config.portalAccess) {
    objects.push({
      apiVersion: roleBinding.apiVersion,
      kind: roleBinding.kind,
      metadata: { name: KNOT_PORTAL_ROLE_BINDING, namespace: ns, labels },
      roleRef: {
        apiGroup: 'rbac.authorization.k8s.io',
        kind: 'ClusterRole',
        name: NAMESPACE_ROLE,
      },
      subjects: [
        {
          kind: 'ServiceAccount',
          name: config.portalAccess.serviceAccount,
          namespace: config.portalAccess.namespace,
        },
      ],
    });
  }

  // A deactivated profile keeps its data but may run nothing.
  const hard = {
    ...config.quota,
    ...target.quota,
    ...(target.active ? {} : { pods: '0' }),
  };
  const quota = { apiVersion: 'v1', kind: 'ResourceQuota', name: KNOT_QUOTA };
  if (Object.keys(hard).length > 0) {
    objects.push({
      apiVersion: 'v1',
      kind: 'ResourceQuota',
      metadata: { name: KNOT_QUOTA, namespace: ns, labels },
      spec: { hard },
    });
  } else {
    absent.push({ ...quota, namespace: ns });
  }
  const limits = config.limitRange;
  if (limits && (limits.default || limits.defaultRequest)) {
    objects.push({
      apiVersion: 'v1',
      kind: 'LimitRange',
      metadata: { name: KNOT_LIMITS, namespace: ns, labels },
      spec: {
        limits: [
          {
            type: 'Container',
            ...(limits.default && { default: limits.default }),
            ...(limits.defaultRequest && {
              defaultRequest: limits.defaultRequest,
            }),
          },
        ],
      },
    });
  } else {
    absent.push({
      apiVersion: 'v1',
      kind: 'LimitRange',
      name: KNOT_LIMITS,
      namespace: ns,
    });
  }

  // Argo Workflows' SSO RBAC account of the profile (argoWorkflows.ts).
  // Secrets after the RoleBinding that lets an in-cluster portal write them.
  const afterObjects: KnotObject[] = pull ? [pull.secret] : [];
  if (config.argoWorkflows) {
    const argo = argoWorkflowsObjects(
      target,
      ns,
      labels,
      config.argoWorkflowsClusterRole,
    );
    objects.push(...argo.objects);
    afterObjects.push(...argo.afterObjects);
    absent.push(...argo.absent);
  }

  const claims: KnotObject[] = [];
  for (const domain of ['private', 'shared'] as const) {
    objects.push({
      apiVersion: 'v1',
      kind: 'PersistentVolume',
      metadata: {
        name: pvName(config, domain, name),
        labels: { ...labels, [DOMAIN_LABEL]: domain },
      },
      spec: {
        capacity: { storage: config.capacity },
        accessModes: ['ReadWriteMany'],
        // Data outlives the PV object. No storageClassName: a static PV
        // (the API server drops an empty one, which would look like drift).
        persistentVolumeReclaimPolicy: 'Retain',
        volumeMode: 'Filesystem',
        claimRef: {
          apiVersion: 'v1',
          kind: 'PersistentVolumeClaim',
          namespace: ns,
          name: claimName(domain),
        },
        ...volumeSource(config, domain, name),
      },
    });
    claims.push({
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: { name: claimName(domain), namespace: ns, labels },
      spec: {
        accessModes: ['ReadWriteMany'],
        storageClassName: '',
        volumeMode: 'Filesystem',
        volumeName: pvName(config, domain, name),
        resources: { requests: { storage: config.capacity } },
      },
    });
  }
  return { namespace, objects, claims, absent, afterObjects };
}
