import express from 'express';
import Router from 'express-promise-router';
import type {
  AuthService,
  HttpAuthService,
  LoggerService,
} from '@backstage/backend-plugin-api';
import { parseEntityRef } from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import {
  FORWARD_AUTH_PROFILE_HEADER,
  FORWARD_AUTH_USER_HEADER,
  SERVICE_SIGN_IN_RETURN_PARAM,
  type ServicePrefixExposure,
  normalizeHost,
  servicePathClaim,
} from '@knot-platform/plugin-knot-common';
import type { HostOwnerResolver } from './HostOwnerResolver';
import { type IngressController, forwardedRequest } from './ingressControllers';
import { serviceCredentialHeaders } from './serviceCredentials';
import { requestAddress } from './serviceAddress';
import type { SessionVerifier } from './SessionVerifier';
import type { ProfileAccess } from '@knot-platform/plugin-knot-node';
import type { ShareAccess } from '../sharing/ServiceShareAccess';
import type { ActivityTracker } from '../idleStop/ActivityTracker';
import type { IdleStopper } from '../idleStop/IdleStopper';
import { stoppedServicePage } from '../idleStop/stoppedServicePage';

export interface ForwardAuthRouterOptions {
  /** The ingress controller calling: which header names the routed host. */
  controller: IngressController;
  sessions: SessionVerifier;
  owners: HostOwnerResolver;
  access: ProfileAccess;
  /** Shares of a service with users who may not act as its owner. */
  shares?: ShareAccess;
  auth: AuthService;
  httpAuth: HttpAuthService;
  /** Services' parent domain: the session cookie is scoped to it. */
  domain: string;
  /**
   * URL-prefix mode: services under `<host><pathPrefix>/`; ownership is read
   * from the path, the session cookie is scoped to the path prefix (and to
   * the portal's host alone when services share it: `onPortalHost`).
   */
  prefix?: ServicePrefixExposure & { onPortalHost?: boolean };
  signInUrl: string;
  cookieName: string;
  secureCookie: boolean;
  logger?: LoggerService;
  /** Idle stop: accesses are recorded; a stopped service gets a page. */
  idle?: {
    tracker: Pick<ActivityTracker, 'touch'>;
    stopper: Pick<IdleStopper, 'stoppedAt'>;
    /** The portal's Services page, where Start is. */
    servicesPageUrl: string;
  };
}

/**
 * The ingress `auth-url` of users' services (nginx auth_request style):
 * 200 + identity headers for the owner (or its team's members, or a user
 * the service is shared with: the headers then name that user) and the
 * request's `Cookie`/`Authorization` without Knot's credentials, 401 +
 * `Location` of the sign-in page for anonymous browsers (`?redirect=1` answers
 * 302 for proxies that pass responses through), 403 for anyone else.
 * Mounted without Backstage's auth policy: it checks sessions itself.
 */
export function createForwardAuthRouter(
  options: ForwardAuthRouterOptions,
): express.Router {
  const router = Router();

  /**
   * Whether the host's service is shared with the user: only asked for
   * users who may not act as the owner. The share must name the owner and
   * the one release whose Ingresses serve the host, so a user's own
   * Ingress, whatever it says, never matches another profile's share.
   */
  const sharedWith = async (userRef: string, owner: string, host: string) => {
    if (!options.shares || !options.owners.releaseAt) return false;
    const release = await options.owners.releaseAt(host);
    if (!release) return false;
    const user = parseEntityRef(userRef);
    if (user.kind.toLocaleLowerCase('en-US') !== 'user') return false;
    return options.shares.admits(user.name, owner, release);
  };

  // Public services (`knot-no-auth`): anyone passes, but Knot's
  // credentials still never reach the service, nor forged identity headers.
  router.get('/forward-auth/public', async (req, res) => {
    const session = await options.sessions.sessionOf(req);
    res.set(serviceCredentialHeaders(req, options.cookieName, session));
    res.status(200).end();
  });

  router.get('/forward-auth', async (req, res) => {
    // Only the header the configured controller sets itself: any other one
    // is whatever the client sent.
    const forwarded = forwardedRequest(req, options.controller);
    if (!forwarded) {
      res
        .status(400)
        .type('text/plain')
        .send(
          `Forward-auth needs exactly one ${
            options.controller === 'ingress-nginx'
              ? 'X-Original-URL'
              : 'X-Forwarded-Host'
          } header, as the ${options.controller} ingress sends it`,
        );
      return;
    }
    // Before anything else: a path that names no service (or could be read
    // as another one) is refused whoever asks.
    const target = requestAddress(forwarded, options.prefix);
    if (!target.address) {
      res.status(400).type('text/plain').send(target.problem);
      return;
    }
    const address = target.address;
    const session = await options.sessions.sessionOf(req);
    if (!session) {
      const signIn = new URL(options.signInUrl);
      signIn.searchParams.set(SERVICE_SIGN_IN_RETURN_PARAM, forwarded.url);
      res.setHeader('Location', signIn.toString());
      res.status(req.query.redirect ? 302 : 401).end();
      return;
    }
    let owner: string | undefined;
    try {
      owner = await options.owners.ownerOf(address);
    } catch (error) {
      options.logger?.warn(
        `forward-auth: cannot read the owners of service hosts: ${error}`,
      );
      res.status(503).type('text/plain').send('Try again in a moment');
      return;
    }
    const mayActAs =
      !!owner && (await options.access.canActAs(session.user, owner));
    if (
      !owner ||
      !(mayActAs || (await sharedWith(session.user, owner, address)))
    ) {
      res
        .status(403)
        .type('text/plain')
        .send('This service belongs to someone else');
      return;
    }
    if (options.idle) {
      // Only those let in learn that it is stopped: after the access check.
      const stopped = await options.idle.stopper
        .stoppedAt(owner, address)
        .catch(() => undefined);
      if (stopped) {
        res
          .status(503)
          .type('html')
          .send(
            stoppedServicePage({
              service: stopped,
              owner,
              mayStart: mayActAs,
              servicesPageUrl: options.idle.servicesPageUrl,
            }),
          );
        return;
      }
      options.idle.tracker.touch(owner, address);
    }
    res.set(serviceCredentialHeaders(req, options.cookieName, session));
    res.setHeader(FORWARD_AUTH_USER_HEADER, parseEntityRef(session.user).name);
    res.setHeader(FORWARD_AUTH_PROFILE_HEADER, owner);
    res.status(200).end();
  });

  /** Whether a URL is one of a service: the way back after sign-in. */
  const isServiceUrl = (url: URL, raw: string) => {
    const { prefix } = options;
    if (!prefix) return url.hostname.endsWith(`.${options.domain}`);
    // The path as given: URL has resolved its dot segments already.
    const path = raw.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i, '');
    return (
      normalizeHost(url.host) === prefix.host &&
      !!servicePathClaim(path || '/', prefix.pathPrefix).label
    );
  };

  // The portal calls this once signed in, so that browsers carry a session
  // to services on `*.<domain>` (the portal must itself be under <domain>).
  router.post('/forward-auth/session', async (req, res) => {
    const credentials = await options.httpAuth.credentials(req, {
      allow: ['user'],
    });
    // Only back to a service under the domain: no open redirect. Checked
    // first, so that a refused request sets no cookie.
    const rd: unknown = Array.isArray(req.body) ? req.body : req.body?.rd;
    if (rd !== undefined && typeof rd !== 'string') {
      throw new InputError("'rd' must be the URL of a Knot service");
    }
    let redirect: string | undefined;
    if (rd) {
      const url = URL.canParse(rd) ? new URL(rd) : undefined;
      if (
        !url ||
        !['http:', 'https:'].includes(url.protocol) ||
        !isServiceUrl(url, rd)
      ) {
        throw new InputError(`Not a Knot service URL: ${rd}`);
      }
      redirect = url.toString();
    }
    const { token, expiresAt } = await options.auth.getLimitedUserToken(
      credentials,
    );
    // Prefix mode: only requests under the prefix carry it; on the portal's
    // own host, host-only (never the domain's other hosts).
    const { prefix } = options;
    res.cookie(options.cookieName, token, {
      domain: prefix?.onPortalHost ? undefined : `.${options.domain}`,
      path: prefix ? `${prefix.pathPrefix}/` : '/',
      httpOnly: true,
      secure: options.secureCookie,
      sameSite: 'lax',
      expires: expiresAt,
    });
    res.json({ redirect });
  });

  return router;
}
