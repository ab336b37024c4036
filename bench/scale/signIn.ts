/**
 * Signs a Knot account in to the portal as a browser does, once: the
 * portal's OIDC sign-in (Backstage's auth backend) through Knot's login page,
 * then the refresh call the app makes, which answers the Backstage token.
 */
class CookieJar {
  private readonly cookies = new Map<string, string>();

  store(response: Response) {
    for (const header of response.headers.getSetCookie()) {
      const [pair, ...attributes] = header.split(';');
      const index = pair.indexOf('=');
      const name = pair.slice(0, index).trim();
      const value = pair.slice(index + 1).trim();
      const expired = attributes.some(a => /expires=.*1970/i.test(a.trim()));
      if (!value || expired) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  header(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }
}

export async function signIn(options: {
  backend: string;
  app: string;
  username: string;
  password: string;
}): Promise<string> {
  const { backend, app } = options;
  const jar = new CookieJar();
  const go = async (
    url: string,
    init: {
      form?: Record<string, string>;
      headers?: Record<string, string>;
    } = {},
  ) => {
    const response = await fetch(url, {
      method: init.form ? 'POST' : 'GET',
      redirect: 'manual',
      headers: {
        cookie: jar.header(),
        ...(init.form
          ? { 'content-type': 'application/x-www-form-urlencoded' }
          : {}),
        ...init.headers,
      },
      body: init.form ? new URLSearchParams(init.form).toString() : undefined,
    });
    jar.store(response);
    const location = response.headers.get('location');
    return {
      status: response.status,
      location: location ? new URL(location, url).href : undefined,
      body: await response.text(),
      url,
    };
  };
  const follow = async (first: Awaited<ReturnType<typeof go>>) => {
    let page = first;
    // The sign-in ends with a redirect to the app (not running here).
    for (
      let hops = 0;
      page.location && !page.location.startsWith(app) && hops < 10;
      hops++
    ) {
      page = await go(page.location);
    }
    return page;
  };
  const start = `${backend}/api/auth/oidc/start?${new URLSearchParams({
    env: 'development',
    scope: 'openid profile email',
    origin: app,
    flow: 'redirect',
    redirectUrl: `${app}/`,
  })}`;
  const login = await follow(await go(start));
  const action = login.body.match(/<form[^>]*action="([^"]+)"/)?.[1];
  if (!action) {
    throw new Error(
      `No login form for ${options.username} (${
        login.status
      }): ${login.body.slice(0, 300)}`,
    );
  }
  await follow(
    await go(new URL(action.replace(/&amp;/g, '&'), login.url).href, {
      form: { username: options.username, password: options.password },
    }),
  );
  const refresh = await go(`${backend}/api/auth/oidc/refresh?env=development`, {
    headers: { 'x-requested-with': 'XMLHttpRequest' },
  });
  const token =
    refresh.status === 200 &&
    JSON.parse(refresh.body)?.backstageIdentity?.token;
  if (!token) {
    throw new Error(
      `Sign-in of ${options.username} failed (${
        refresh.status
      }): ${refresh.body.slice(0, 300)}`,
    );
  }
  return token;
}
