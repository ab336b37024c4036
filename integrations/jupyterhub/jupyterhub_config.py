"""JupyterHub signed in through Knot, spawning into Knot's profile namespaces.

Run a hub with it (`jupyterhub -f jupyterhub_config.py`), or load it from
Zero to JupyterHub (values.yaml next to this file mounts it and runs it from
hub.extraConfig). Everything installation-specific comes from the
environment, so the file itself is the same everywhere (README.md):

  KNOT_OIDC_ISSUER          Knot's issuer, https://knot.example.org/api/knot/oidc
  KNOT_OIDC_BACKCHANNEL_URL where the hub itself reaches the issuer (token,
                            userinfo), e.g. the in-cluster Service; default:
                            the issuer
  OAUTH_CLIENT_ID           the client's id at Knot (default jupyterhub)
  OAUTH_CLIENT_SECRET       its secret (knot.integrations.jupyterhub.oidc)
  OAUTH_CALLBACK_URL        https://jupyter.example.org/hub/oauth_callback
  JUPYTERHUB_CRYPT_KEY      encrypts auth_state (openssl rand -hex 32)
  KNOT_API_URL, KNOT_API_TOKEN
                            optional: Knot's backend and a static external
                            access token for it; with them the hub offers
                            the user's teams and asks Knot before every spawn
  KNOT_SINGLEUSER_IMAGE     optional: the servers' image (it needs
                            jupyterhub-singleuser); default KubeSpawner's
"""

import json
import os
from urllib.parse import quote

from kubespawner import KubeSpawner
from oauthenticator.generic import GenericOAuthenticator
from tornado import web
from tornado.httpclient import AsyncHTTPClient, HTTPClientError, HTTPRequest

c = get_config()  # noqa: F821 (defined by JupyterHub's config loader)


def _env(name, default=None):
    value = os.environ.get(name, "").strip()
    if value:
        return value
    if default is None:
        raise ValueError(f"Set {name} (integrations/jupyterhub/README.md)")
    return default


KNOT_ISSUER = _env("KNOT_OIDC_ISSUER").rstrip("/")
KNOT_BACKCHANNEL = _env("KNOT_OIDC_BACKCHANNEL_URL", KNOT_ISSUER).rstrip("/")
KNOT_API_URL = _env("KNOT_API_URL", "-").rstrip("/")
# Read here, never logged: only sent to Knot's API.
_KNOT_API_TOKEN = os.environ.get("KNOT_API_TOKEN", "").strip()
KNOT_API = KNOT_API_URL != "-" and bool(_KNOT_API_TOKEN)


# --- who gets in: Knot's users, admins from Knot -----------------------------


class KnotOAuthenticator(GenericOAuthenticator):
    """Knot's OIDC provider: the username, teams and admin role from its claims.

    Knot issues tokens to active accounts only (a pending or deactivated
    account cannot sign in, and its refresh token stops working), so every
    user Knot vouches for is let in; the claims must name that same user.
    """

    async def update_auth_model(self, auth_model):
        claims = auth_model["auth_state"][self.user_auth_state_key]
        # Admin follows Knot at every sign-in and refresh, both ways.
        auth_model["admin"] = "admin" in (claims.get("roles") or [])
        return auth_model

    async def check_allowed(self, username, auth_model):
        if auth_model is None:
            return True
        claims = auth_model["auth_state"][self.user_auth_state_key]
        # A token of another issuer or client setup (no Knot claims) is refused.
        if claims.get("knot_username") != username or not claims.get(
            "knot_namespace"
        ):
            self.log.warning("Refused %s: no Knot claims for this user", username)
            return False
        if KNOT_API:
            # The account as Knot sees it now, not as the token says.
            return (await knot_acting_profiles(username))["active"]
        return True


c.JupyterHub.authenticator_class = KnotOAuthenticator
# KnotOAuthenticator.check_allowed is the allow rule (no allowed_users list).
c.Authenticator.any_allow_config = True
c.GenericOAuthenticator.login_service = "Knot"
# Knot is the only way in: the hub's login page goes straight to Knot's.
c.GenericOAuthenticator.auto_login = True
c.GenericOAuthenticator.client_id = _env("OAUTH_CLIENT_ID", "jupyterhub")
# client_secret and oauth_callback_url: OAUTH_CLIENT_SECRET, OAUTH_CALLBACK_URL.
c.GenericOAuthenticator.authorize_url = f"{KNOT_ISSUER}/auth"
c.GenericOAuthenticator.token_url = f"{KNOT_BACKCHANNEL}/token"
c.GenericOAuthenticator.userdata_url = f"{KNOT_BACKCHANNEL}/me"
# `profile` carries preferred_username, groups (teams), roles and knot_*.
c.GenericOAuthenticator.scope = ["openid", "profile", "email"]
c.GenericOAuthenticator.username_claim = "knot_username"
c.GenericOAuthenticator.enable_auth_state = True
# Before every spawn, and at least every 5 minutes, the hub asks Knot again:
# a deactivated user must sign in again, which Knot refuses.
c.GenericOAuthenticator.refresh_pre_spawn = True
c.GenericOAuthenticator.auth_refresh_age = 300


# --- Knot's API (optional): teams, and a check before every spawn ------------


async def _knot_get(path):
    request = HTTPRequest(
        f"{KNOT_API_URL}/api/knot{path}",
        headers={"Authorization": f"Bearer {_KNOT_API_TOKEN}"},
        request_timeout=20,
    )
    try:
        response = await AsyncHTTPClient().fetch(request)
    except HTTPClientError as error:
        raise web.HTTPError(
            502, f"Knot could not be asked who you may act as (HTTP {error.code})"
        ) from error
    return json.loads(response.body)


async def knot_acting_profiles(username):
    """{active, admin, profiles}: the profiles Knot lets the user act as."""
    return await _knot_get(
        f"/acting-profiles?user={quote(f'user:default/{username}')}"
    )


async def knot_refusal(username, profile):
    """Why Knot refuses `username` deploying as `profile`; None if it may."""
    answer = await _knot_get(
        f"/profile-access/{quote(profile)}?user={quote(f'user:default/{username}')}"
    )
    return None if answer.get("allowed") else answer.get("reason", "refused")


# --- where servers run: the acting profile's namespace -----------------------


async def knot_profile_list(spawner):
    """The profiles the user may start a server as, each its own namespace.

    The user's own from the token's knot_namespace; with Knot's API, also
    the teams Knot lists for the user now.
    """
    state = await spawner.user.get_auth_state() or {}
    claims = state.get("oauth_user") or {}
    user = claims.get("knot_username")
    namespace = claims.get("knot_namespace") or ""
    if not user or user != spawner.user.name or not namespace.endswith(user):
        raise web.HTTPError(403, "Sign in again through Knot")
    prefix = namespace[: -len(user)]
    profiles = [user]
    if KNOT_API:
        acting = await knot_acting_profiles(user)
        if not acting["active"]:
            raise web.HTTPError(403, f"Your Knot account '{user}' is not active")
        profiles += [p for p in acting["profiles"] if p != user]
    return [
        {
            "slug": profile,
            "display_name": profile if profile == user else f"Team {profile}",
            "description": f"Runs in {prefix}{profile}, with its /private and /shared",
            "default": profile == user,
            "kubespawner_override": {"namespace": f"{prefix}{profile}"},
        }
        for profile in profiles
    ]


class KnotKubeSpawner(KubeSpawner):
    """KubeSpawner that starts a server only where Knot lets the user deploy.

    The check is on the namespace the options resolved to, whatever set it:
    the user's own profile namespace, or a team Knot says the user may
    deploy as (viewers may not).
    """

    async def load_user_options(self):
        await super().load_user_options()
        state = await self.user.get_auth_state() or {}
        claims = state.get("oauth_user") or {}
        user = self.user.name
        own = claims.get("knot_namespace")
        if self.namespace == own:
            if KNOT_API and (refusal := await knot_refusal(user, user)):
                raise web.HTTPError(403, refusal)
            return
        prefix = own[: -len(user)] if own and own.endswith(user) else None
        if not prefix or not self.namespace.startswith(prefix):
            raise web.HTTPError(403, f"{self.namespace} is not a Knot profile namespace")
        if not KNOT_API:
            raise web.HTTPError(403, "Team servers need Knot's API (KNOT_API_URL)")
        profile = self.namespace[len(prefix) :]
        if refusal := await knot_refusal(user, profile):
            raise web.HTTPError(403, refusal)


c.JupyterHub.spawner_class = KnotKubeSpawner
c.KubeSpawner.profile_list = knot_profile_list
# Namespaces are Knot's (provisioning makes them): never created here, and
# one pod watch per namespace rather than a cluster-wide one.
c.KubeSpawner.enable_user_namespaces = False
if os.environ.get("KNOT_SINGLEUSER_IMAGE"):
    c.KubeSpawner.image = os.environ["KNOT_SINGLEUSER_IMAGE"]
c.KubeSpawner.cmd = ["jupyterhub-singleuser"]
# Knot's webhook mounts the profile's /private, /shared and datasets and sets
# KNOT_*: no storage of the hub's own. Servers open in /private.
c.KubeSpawner.storage_pvc_ensure = False
c.KubeSpawner.notebook_dir = "/private"
c.KubeSpawner.fs_gid = 100
# A team's members each get their own server in the team's namespace.
c.KubeSpawner.pod_name_template = "jupyter-{user_server}"
