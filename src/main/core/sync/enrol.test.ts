import { describe, expect, it } from 'vitest';
import { checkServerUrl } from './enrol';

describe('checkServerUrl', () => {
  it('keeps https:// and loopback http://, without a trailing slash', () => {
    expect(checkServerUrl(' https://vote.exemple.fr/ ')).toEqual({
      ok: true,
      value: 'https://vote.exemple.fr',
    });
    expect(checkServerUrl('https://vote.exemple.fr/isoloir/')).toEqual({
      ok: true,
      value: 'https://vote.exemple.fr/isoloir',
    });
    for (const url of ['http://127.0.0.1:8080', 'http://localhost:8080/', 'http://[::1]:8080'])
      expect(checkServerUrl(url).ok).toBe(true);
  });

  it('refuses http:// off loopback, other schemes, credentials and queries', () => {
    const code = (url: string): string => {
      const checked = checkServerUrl(url);
      return checked.ok ? 'ok' : checked.error.code;
    };
    expect(code('http://vote.exemple.fr')).toBe('insecure_server_url');
    expect(code('http://127.0.0.2.exemple.fr')).toBe('insecure_server_url');
    expect(code('http://192.168.1.10:8080')).toBe('insecure_server_url');
    expect(code('ftp://vote.exemple.fr')).toBe('insecure_server_url');
    expect(code('https://user:secret@vote.exemple.fr')).toBe('invalid_server_url');
    expect(code('https://vote.exemple.fr/?next=1')).toBe('invalid_server_url');
    expect(code('vote.exemple.fr')).toBe('invalid_server_url');
  });
});
