import express from 'express';
import Router from 'express-promise-router';
import type {
  AuthService,
  HttpAuthService,
} from '@backstage/backend-plugin-api';
import { parseEntityRef } from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import {
  FORWARD_AUTH_PROFILE_HEADER,
  FORWARD_AUTH_USER_HEADER,
  SERVICE_SIGN_IN_RETURN_PARAM,
} from '@knot-platform/plugin-knot-common';
import type { HostOwnerResolver } from './HostOwnerResolver';
import type { SessionVerifier } from './SessionVerifier';
import type { ProfileAccess } from '@knot-platform/plugin-knot-node';

export interface ForwardAuthRouterOptions {
  sessions: SessionVerifier;
  owners: HostOwnerResolver;
  access: ProfileAccess;
  auth: AuthService;
  httpAuth: HttpAuthService;
  /** Services' parent domain: the session cookie is scoped to it. */
  domain: string;
  signInUrl: string;
  cookieName: string;
  secureCookie: boolean;
}

/**
 * The ingress `auth-url` of users' services (nginx auth_request style):
 * 200 + identity headers for the owner (or its team's members), 401 +
 * `Location` of the sign-in page for anonymous browsers (`?redirect=1` answers
 * 302 for proxies that pass responses through), 403 for anyone else.
 * Mounted without Backstage's auth policy: it checks sessions itself.
 */
export function createForwardAuthRouter(
  options: ForwardAuthRouterOptions,
): express.Router {
  const router = Router();

  router.get('/forward-auth', async (req, res) => {
    const originalUrl = req.header('x-original-url');
    let host = req.header('x-forwarded-host')?.split(',')[0].trim();
    if (!host && originalUrl) host = new URL(originalUrl).host;
    if (!host) {
      res
        .status(400)
        .json({ error: 'X-Forwarded-Host or X-Original-URL is required' });
      return;
    }
    const target =
      originalUrl ??
      `${req.header('x-forwarded-proto') ?? 'https'}://${host}${
        req.header('x-forwarded-uri') ?? '/'
      }`;

    const user = await options.sessions.userOf(req);
    if (!user) {
      const signIn = new URL(options.signInUrl);
      signIn.searchParams.set(SERVICE_SIGN_IN_RETURN_PARAM, target);
      res.setHeader('Location', signIn.toString());
      res.status(req.query.redirect ? 302 : 401).end();
      return;
    }
    const owner = await options.owners.ownerOf(host);
    if (!owner || !(await options.access.canActAs(user, owner))) {
      res.status(403).send('This service belongs to someone else');
      return;
    }
    res.setHeader(FORWARD_AUTH_USER_HEADER, parseEntityRef(user).name);
    res.setHeader(FORWARD_AUTH_PROFILE_HEADER, owner);
    res.status(200).end();
  });

  // The portal calls this once signed in, so that browsers carry a session
  // to services on `*.<domain>` (the portal must itself be under <domain>).
  router.post('/forward-auth/session', async (req, res) => {
    const credentials = await options.httpAuth.credentials(req, {
      allow: ['user'],
    });
    const { token, expiresAt } = await options.auth.getLimitedUserToken(
      credentials,
    );
    res.cookie(options.cookieName, token, {
      domain: `.${options.domain}`,
      path: '/',
      httpOnly: true,
      secure: options.secureCookie,
      sameSite: 'lax',
      expires: expiresAt,
    });
    // Only back to a service under the domain: no open redirect.
    const rd = typeof req.body?.rd === 'string' ? req.body.rd : undefined;
    let redirect: string | undefined;
    if (rd) {
      const url = URL.canParse(rd) ? new URL(rd) : undefined;
      if (
        !url ||
        !['http:', 'https:'].includes(url.protocol) ||
        !url.hostname.endsWith(`.${options.domain}`)
      ) {
        throw new InputError(`Not a Knot service URL: ${rd}`);
      }
      redirect = url.toString();
    }
    res.json({ redirect });
  });

  return router;
}
