/**
 * Whether a registry accepts a username and password, as `docker login`
 * checks it: `/v2/` answers 401 with a challenge; a Bearer challenge
 * (Harbor, distribution with token auth) sends the credentials to its
 * token service, a Basic one (htpasswd) to `/v2/` itself. Undefined when
 * the registry cannot tell (unreachable, an error of its own): the caller
 * then keeps what it has rather than rotating on a guess.
 */
export async function registryAcceptsLogin(
  registryUrl: string,
  credentials: { username: string; password: string },
): Promise<boolean | undefined> {
  const basic = `Basic ${Buffer.from(
    `${credentials.username}:${credentials.password}`,
  ).toString('base64')}`;
  const get = async (url: string | URL, authorization?: string) => {
    const res = await fetch(url, {
      headers: authorization ? { Authorization: authorization } : {},
    });
    await res.body?.cancel();
    return res;
  };
  try {
    const base = registryUrl.replace(/\/+$/, '');
    const ping = await get(`${base}/v2/`);
    if (ping.status !== 401) return ping.ok ? true : undefined;
    const challenge = ping.headers.get('www-authenticate') ?? '';
    let answer: Response;
    if (/^Bearer /i.test(challenge)) {
      const params = Object.fromEntries(
        [...challenge.matchAll(/(\w+)="([^"]*)"/g)].map(m => [m[1], m[2]]),
      );
      if (!params.realm) return undefined;
      const realm = new URL(params.realm, base);
      if (params.service) realm.searchParams.set('service', params.service);
      answer = await get(realm, basic);
    } else {
      answer = await get(`${base}/v2/`, basic);
    }
    if (answer.ok) return true;
    return answer.status === 401 || answer.status === 403 ? false : undefined;
  } catch {
    return undefined;
  }
}
