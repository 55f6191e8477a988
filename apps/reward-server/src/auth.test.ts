import { authMode, bearerToken, isLoopback, splitPathToken, tokenMatches } from './auth';

const TOKEN = 'tok-0123456789abcdef';

test('loopback addresses', () => {
  expect(['127.0.0.1', '127.1.2.3', '::1', '[::1]', 'localhost'].map(isLoopback)).toEqual([true, true, true, true, true]);
  expect(['0.0.0.0', '::', '10.0.0.5', '192.168.1.2', 'example.com'].map(isLoopback)).toEqual([false, false, false, false, false]);
});

test('tokens: constant-time match, Bearer header, path prefix', () => {
  expect(tokenMatches(TOKEN, TOKEN)).toBe(true);
  expect(tokenMatches(TOKEN + 'x', TOKEN)).toBe(false);
  expect(tokenMatches('', TOKEN)).toBe(false);
  expect(tokenMatches(undefined, TOKEN)).toBe(false);
  expect(bearerToken(`Bearer ${TOKEN}`)).toBe(TOKEN);
  expect(bearerToken(`bearer ${TOKEN} `)).toBe(TOKEN);
  expect(bearerToken('Basic abc')).toBeUndefined();
  expect(splitPathToken(`/t/${TOKEN}/get_reward?x=1`)).toEqual({ token: TOKEN, url: '/get_reward?x=1' });
  expect(splitPathToken('/t/%zz/metrics')).toEqual({ token: '%zz', url: '/metrics' });
  expect(splitPathToken('/get_reward')).toBeUndefined();
});

test('authMode: a token is always enforced; non-loopback needs one or the opt-out', () => {
  expect(authMode('127.0.0.1', undefined, false)).toEqual({ kind: 'none', reason: 'loopback' });
  expect(authMode('0.0.0.0', TOKEN, false)).toEqual({ kind: 'token', token: TOKEN });
  expect(authMode('127.0.0.1', TOKEN, false)).toEqual({ kind: 'token', token: TOKEN });
  expect(authMode('0.0.0.0', undefined, true)).toEqual({ kind: 'none', reason: 'opt-out' });
  expect(() => authMode('0.0.0.0', undefined, false)).toThrow(
    'server.host: binding 0.0.0.0 (not loopback) requires a token: set RFAI_SERVER_TOKEN (or pass --token), or pass --allow-unauthenticated on a trusted private network only',
  );
  expect(() => authMode('0.0.0.0', 'short', false)).toThrow('the server token must be at least 16 characters without spaces or \'/\' (got 5 characters)');
});
