import { createRequire } from 'node:module';
import type * as OpenidClient from 'openid-client';

/** openid-client 6 (ESM-only), loaded through Node's require as in src/. */
export function loadOpenidClient(): typeof OpenidClient {
  return createRequire(__filename)('openid-client');
}

/**
 * A minimal browser for driving the provider's pages: keeps cookies, follows
 * redirects by hand, and stops at the client's redirect URI.
 */
export class TestBrowser {
  private readonly cookies = new Map<string, string>();

  constructor(private readonly stopAt: string) {}

  private store(response: Response) {
    for (const header of response.headers.getSetCookie()) {
      const [pair, ...attributes] = header.split(';');
      const index = pair.indexOf('=');
      const name = pair.slice(0, index).trim();
      const value = pair.slice(index + 1).trim();
      const expired = attributes.some(a => /expires=.*1970/i.test(a.trim()));
      if (!value || expired) {
        this.cookies.delete(name);
      } else {
        this.cookies.set(name, value);
      }
    }
  }

  private cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  /** One request, no redirects followed. */
  async request(
    url: string,
    form?: Record<string, string>,
  ): Promise<{ status: number; location?: string; body: string; url: string }> {
    const response = await fetch(url, {
      method: form ? 'POST' : 'GET',
      redirect: 'manual',
      headers: {
        cookie: this.cookieHeader(),
        ...(form
          ? { 'content-type': 'application/x-www-form-urlencoded' }
          : {}),
      },
      body: form ? new URLSearchParams(form).toString() : undefined,
    });
    this.store(response);
    const location = response.headers.get('location') ?? undefined;
    return {
      status: response.status,
      location: location ? new URL(location, url).href : undefined,
      body: await response.text(),
      url,
    };
  }

  /**
   * Requests `url` (a form post when `form` is given) and follows redirects
   * until a page answers or the client's redirect URI is reached.
   */
  async go(url: string, form?: Record<string, string>) {
    let result = await this.request(url, form);
    for (let hops = 0; hops < 10; hops++) {
      if (!result.location || result.location.startsWith(this.stopAt)) {
        return result;
      }
      result = await this.request(result.location);
    }
    throw new Error(`Too many redirects from ${url}`);
  }
}

/** The form action of the page's first form. */
export function formAction(html: string, base: string): string {
  const match = html.match(/<form[^>]*action="([^"]+)"/);
  if (!match) {
    throw new Error(`No form in page: ${html.slice(0, 500)}`);
  }
  return new URL(match[1].replace(/&amp;/g, '&'), base).href;
}
