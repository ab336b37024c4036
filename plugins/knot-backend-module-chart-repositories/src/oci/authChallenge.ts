/** One `WWW-Authenticate` challenge: `Bearer realm="…",service="…"`. */
export interface AuthChallenge {
  /** Lower-cased: `bearer` or `basic`. */
  scheme: string;
  params: Record<string, string>;
}

/**
 * Parses the first challenge of a `WWW-Authenticate` header as registries
 * send it (distribution, Harbor, GHCR): a scheme followed by comma-separated
 * `key=value` pairs whose values may be quoted (with `\"` escapes and commas
 * inside, as in `scope="repository:a/b:pull,push"`).
 */
export function parseAuthChallenge(
  header: string | null | undefined,
): AuthChallenge | undefined {
  const text = header?.trim();
  if (!text) return undefined;
  const schemeMatch = /^([A-Za-z][\w-]*)(?:\s+|$)/.exec(text);
  if (!schemeMatch) return undefined;
  const params: Record<string, string> = {};
  let rest = text.slice(schemeMatch[0].length);
  const pair = /^\s*([\w-]+)\s*=\s*("((?:[^"\\]|\\.)*)"|[^,\s]*)\s*(,|$)/;
  while (rest.trim()) {
    const m = pair.exec(rest);
    // Another scheme (`Basic realm=…, Bearer …`) or garbage ends the first.
    if (!m) break;
    const value =
      m[3] !== undefined ? m[3].replace(/\\(.)/g, '$1') : (m[2] as string);
    params[m[1].toLowerCase()] = value;
    rest = rest.slice(m[0].length);
  }
  return { scheme: schemeMatch[1].toLowerCase(), params };
}
