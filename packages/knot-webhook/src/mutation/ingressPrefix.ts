import {
  type ServicePrefixExposure,
  isProfileHost,
  normalizeHost,
} from '@knot-platform/plugin-knot-common';
import { MalformedObjectError, isObject } from './podTemplates';

/** `<base><path>`, without doubling the slash (`/` alone is the base). */
function underBase(base: string, path: unknown, pathType: unknown): string {
  const p = typeof path === 'string' && path.startsWith('/') ? path : '/';
  if (p === '/') return pathType === 'Exact' ? `${base}/` : base;
  return `${base}${p}`;
}

/**
 * URL-prefix mode: moves the profile's subdomain rules onto the prefix host,
 * in place. A rule for `<label>.<domain>` of the profile (what charts write
 * from `knot.hostname` in subdomain mode) becomes a rule for `<host>` whose
 * paths are under `<pathPrefix>/<label>` (`/` → `/services/<label>`), with
 * the same backends; its TLS hosts become `<host>`. Rules that already name
 * the prefix host, and hosts that are not the profile's, are left for
 * validation to judge.
 */
export function moveRulesToPrefix(
  ingress: Record<string, any>,
  profile: string,
  domain: string,
  prefix: ServicePrefixExposure,
): void {
  const spec = ingress.spec;
  if (!isObject(spec)) return;
  const moved = new Set<string>();
  if (Array.isArray(spec.rules)) {
    spec.rules = spec.rules.map((rule: unknown) => {
      if (!isObject(rule) || typeof rule.host !== 'string') return rule;
      const host = normalizeHost(rule.host);
      if (
        !host ||
        host === prefix.host ||
        !isProfileHost(host, profile, domain)
      ) {
        return rule;
      }
      const base = `${prefix.pathPrefix}/${host.slice(0, -domain.length - 1)}`;
      moved.add(host);
      const http = rule.http;
      if (http !== undefined && !isObject(http)) {
        throw new MalformedObjectError('spec.rules[].http must be an object');
      }
      const paths = http?.paths ?? [];
      if (!Array.isArray(paths)) {
        throw new MalformedObjectError(
          'spec.rules[].http.paths must be a list',
        );
      }
      return {
        ...rule,
        host: prefix.host,
        ...(http && {
          http: {
            ...http,
            paths: paths.map((p: unknown) =>
              isObject(p)
                ? { ...p, path: underBase(base, p.path, p.pathType) }
                : p,
            ),
          },
        }),
      };
    });
  }
  if (Array.isArray(spec.tls) && moved.size > 0) {
    spec.tls = spec.tls.map((tls: unknown) =>
      isObject(tls) && Array.isArray(tls.hosts)
        ? {
            ...tls,
            hosts: [
              ...new Set(
                tls.hosts.map((h: unknown) =>
                  typeof h === 'string' && moved.has(normalizeHost(h) ?? '')
                    ? prefix.host
                    : h,
                ),
              ),
            ],
          }
        : tls,
    );
  }
}
