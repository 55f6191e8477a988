// Who may call the server: loopback by default; any other bind address needs a token (or an explicit opt-out).
import { createHash, timingSafeEqual } from 'node:crypto';
import { isIP } from 'node:net';

/** The environment variable the token may come from (preferred over --token, which other users see in `ps`). */
export const TOKEN_ENV = 'RFAI_SERVER_TOKEN';
/** Shortest token accepted. */
export const MIN_TOKEN_LENGTH = 16;
/** Path prefix that carries the token for clients that cannot send headers (OpenRLHF's stock client): /t/TOKEN/... */
export const PATH_TOKEN_PREFIX = '/t/';

/** Whether `host` only accepts connections from this machine. */
export function isLoopback(host: string): boolean {
  const h = host.trim().toLowerCase().replace(/^\[|\]$/g, '');
  if (h === 'localhost' || h === '::1') return true;
  return isIP(h) === 4 && h.startsWith('127.');
}

/** Compares a presented token with the expected one in constant time (both hashed first, so lengths do not leak). */
export function tokenMatches(presented: string | undefined, expected: string): boolean {
  if (presented === undefined) return false;
  const a = createHash('sha256').update(presented).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

/** The token of an `Authorization: Bearer <token>` header, if it has one. */
export function bearerToken(header: string | string[] | undefined): string | undefined {
  const h = Array.isArray(header) ? header[0] : header;
  const m = h === undefined ? null : /^Bearer\s+(\S+)\s*$/i.exec(h);
  return m ? m[1] : undefined;
}

const decode = (s: string): string => {
  try {
    return decodeURIComponent(s);
  } catch {
    return s; // a malformed escape is compared as written (and fails)
  }
};

/** Splits `/t/TOKEN/rest?q` into the token and `/rest?q`; undefined when the URL has no token prefix. */
export function splitPathToken(url: string): { token: string; url: string } | undefined {
  if (!url.startsWith(PATH_TOKEN_PREFIX)) return undefined;
  const end = url.indexOf('/', PATH_TOKEN_PREFIX.length);
  if (end < 0) return { token: decode(url.slice(PATH_TOKEN_PREFIX.length).split('?')[0]), url: '/' };
  return { token: decode(url.slice(PATH_TOKEN_PREFIX.length, end)), url: url.slice(end) };
}

/** What the server enforces. */
export type AuthMode = { kind: 'token'; token: string } | { kind: 'none'; reason: 'loopback' | 'opt-out' };

/**
 * Decides the auth mode for a bind address. A token is always enforced when given; without one, only a loopback
 * address or the explicit opt-out is accepted.
 * @throws Error naming server.host, --token / RFAI_SERVER_TOKEN and the opt-out flag.
 */
export function authMode(host: string, token: string | undefined, allowUnauthenticated: boolean): AuthMode {
  if (token !== undefined) {
    if (token.length < MIN_TOKEN_LENGTH || /\s|\//.test(token)) {
      throw new Error(
        `the server token must be at least ${MIN_TOKEN_LENGTH} characters without spaces or '/' (got ${token.length} characters); ` +
          `generate one with \`openssl rand -hex 24\` and pass it in ${TOKEN_ENV}`,
      );
    }
    return { kind: 'token', token };
  }
  if (isLoopback(host)) return { kind: 'none', reason: 'loopback' };
  if (allowUnauthenticated) return { kind: 'none', reason: 'opt-out' };
  throw new Error(
    `server.host: binding ${host} (not loopback) requires a token: set ${TOKEN_ENV} (or pass --token), ` +
      `or pass --allow-unauthenticated on a trusted private network only`,
  );
}
