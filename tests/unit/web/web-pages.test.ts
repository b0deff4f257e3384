/**
 * Unit tests of the web pages' pure parts: escaping of every interpolated value, the receipt lookup key,
 * the competition ranking, the admin session store (expiry, bound, CSRF comparison) and the pages'
 * markup invariants (one h1, lang, skip link, table captions) on hostile data.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { escapeHtml, html, raw } from '../../../src/server/web/html';
import { codesPage } from '../../../src/server/web/pages/admin/codes';
import { kiosksPage, revokePage } from '../../../src/server/web/pages/admin/kiosks';
import { receiptDisplay, receiptLookupKey, receiptPage } from '../../../src/server/web/pages/receipt';
import { rankProjects, resultsPage } from '../../../src/server/web/pages/results';
import { AdminSessions, sameToken } from '../../../src/server/web/sessions';
import type { WebElection, WebResults } from '../../../src/server/web/ports';

describe('html template', () => {
  it('escapes every interpolated string, including inside attributes', () => {
    const evil = `"><script>alert('x')</script>&`;
    expect(html`<p title="${evil}">${evil}</p>`.value).toBe(
      '<p title="&quot;&gt;&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;">&quot;&gt;&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;</p>',
    );
  });

  it('passes nested fragments and arrays through once, and drops null/false', () => {
    const inner = html`<b>${'<i>'}</b>`;
    expect(html`${[inner, 'a<b', null, false, 3]}`.value).toBe('<b>&lt;i&gt;</b>a&lt;b3');
    expect(html`${raw('<br>')}`.value).toBe('<br>');
  });

  it('never lets a tag through, whatever the text (property)', () => {
    fc.assert(
      fc.property(fc.string(), (text) => {
        const out = html`<td>${text}</td>`.value.slice(4, -5);
        expect(out).not.toMatch(/[<>"']/);
        expect(out.replace(/&(amp|lt|gt|quot|#39);/g, '')).not.toContain('&');
        expect(escapeHtml(text).length).toBeGreaterThanOrEqual(text.length);
      }),
    );
  });
});

describe('receipt lookup key', () => {
  it('accepts the code as shown and as typed loosely; a ballot id is no receipt any more', () => {
    expect(receiptLookupKey('7K3F-Q9XM')).toBe('7K3FQ9XM');
    expect(receiptLookupKey(' 7k3f q9xm ')).toBe('7K3FQ9XM');
    expect(receiptLookupKey('OIL1-2345')).toBe('01112345');
    expect(receiptLookupKey('0123456789abcdef0123456789abcdef')).toBeNull();
  });

  it('shows the key as the receipt prints it', () => {
    expect(receiptDisplay('7K3FQ9XM')).toBe('7K3F-Q9XM');
  });

  it('refuses what cannot be a code', () => {
    for (const bad of ['', '1234', '1234-56789', 'UUUU-UUUU', '<b>x</b>', '0123456789abcdef0123456789abcdeg'])
      expect(receiptLookupKey(bad), bad).toBeNull();
  });
});

describe('ranking', () => {
  it('gives equal votes the same rank and skips the next ones', () => {
    const p = (id: string, votes: number) => ({ id, title: id, territoryId: 't', cost: 1, votes });
    expect(rankProjects([p('a', 9), p('b', 9), p('c', 7), p('d', 7), p('e', 1)]).map((x) => x.rank)).toEqual([
      1, 1, 3, 3, 5,
    ]);
  });
});

describe('admin sessions', () => {
  it('expires sessions after their lifetime', () => {
    let t = 1_000;
    const sessions = new AdminSessions(60_000, 10, () => t);
    const s = sessions.create();
    expect(sessions.get(s.id)?.csrf).toBe(s.csrf);
    t += 59_999;
    expect(sessions.get(s.id)).not.toBeNull();
    t += 1;
    expect(sessions.get(s.id)).toBeNull();
    expect(sessions.get(undefined)).toBeNull();
  });

  it('keeps at most maxSessions, dropping the oldest', () => {
    const sessions = new AdminSessions(60_000, 3);
    const all = Array.from({ length: 4 }, () => sessions.create());
    expect(sessions.get(all[0]!.id)).toBeNull();
    for (const s of all.slice(1)) expect(sessions.get(s.id)).not.toBeNull();
  });

  it('destroys a session on logout, and ids and CSRF tokens are distinct random tokens', () => {
    const sessions = new AdminSessions(60_000);
    const a = sessions.create();
    const b = sessions.create();
    expect(new Set([a.id, a.csrf, b.id, b.csrf]).size).toBe(4);
    expect(a.id).toMatch(/^[A-Za-z0-9_-]{43}$/);
    sessions.destroy(a.id);
    expect(sessions.get(a.id)).toBeNull();
    expect(sessions.get(b.id)).not.toBeNull();
  });

  it('compares tokens exactly', () => {
    expect(sameToken('abc', 'abc')).toBe(true);
    expect(sameToken('abc', 'abd')).toBe(false);
    expect(sameToken('abc', 'abcd')).toBe(false);
  });
});

const hostile = `<img src=x onerror=alert(1)>"'&`;
const election: WebElection = {
  electionId: 'e',
  title: hostile,
  opensAt: '2026-09-01T00:00:00+02:00',
  closesAt: '2026-09-30T23:59:59+02:00',
  lateDeliveryHours: 48,
  budget: 100,
  territories: [{ id: 't', name: hostile }],
};
const results: WebResults = {
  electionId: 'e',
  ballots: 12,
  participations: 12,
  duplicateParticipations: 0,
  projects: [{ id: 'p', title: hostile, territoryId: 't', cost: 50, votes: 12 }],
  byKiosk: [
    { kioskId: 'k1', label: hostile, ballots: 12 },
    { kioskId: 'k2', label: 'petite', ballots: null },
  ],
  byTerritory: [{ territoryId: 't', name: hostile, votes: 12, participations: 12 }],
  byAgeBracket: [{ ageBracket: '18-25', participations: 12 }],
  allocation: { budget: 100, greedy: { funded: ['p'], spent: 50 }, mes: { funded: [], spent: 0 } },
};

/** Page-level invariants every page must keep (RGAA): lang, one h1, skip link to main, captions. */
function expectPageInvariants(page: string): void {
  expect(page.startsWith('<!doctype html>\n<html lang="fr">')).toBe(true);
  expect(page.match(/<h1[ >]/g)?.length).toBe(1);
  expect(page).toContain('<a class="skip-link" href="#contenu">');
  expect(page).toContain('<main id="contenu"');
  expect(page.match(/<table>/g)?.length ?? 0).toBe(page.match(/<caption>/g)?.length ?? 0);
  expect(page).not.toContain('<img');
  expect(page).not.toContain('<script');
  expect(page).not.toMatch(/\sstyle=/);
}

describe('pages', () => {
  it('results page escapes election data, hides small kiosks with the configured threshold', () => {
    const page = resultsPage(
      election,
      results,
      { phase: 'closed', closesAt: election.closesAt },
      new Date('2026-10-01T10:00:00Z'),
      15,
    );
    expectPageInvariants(page);
    expect(page).toContain('moins de 15 votes');
    expect(page).toMatch(/reçu\s+moins de 15\s+n’est pas affiché/);
    expect(page).toContain('&lt;img src=x onerror=alert(1)&gt;');
  });

  it('results page without an election', () => {
    expectPageInvariants(resultsPage(null, null, null, new Date(), 10));
  });

  it('receipt page states, and the typed text is escaped', () => {
    for (const answer of [
      { kind: 'counted', typed: hostile, kiosk: hostile, batch: 3 },
      { kind: 'not_yet', typed: hostile },
      { kind: 'invalid', typed: hostile },
    ] as const) {
      const page = receiptPage(answer);
      expectPageInvariants(page);
      expect(page).not.toContain(hostile);
    }
    const counted = receiptPage({ kind: 'counted', typed: 'X', kiosk: 'Comptoir de Lens', batch: 3 });
    expect(counted).toContain('Oui, votre bulletin est bien compté.');
    // What the code proves, and what it does not: the group, never the choices.
    expect(counted).toContain('groupe n° 3 de la borne « Comptoir de Lens »');
    expect(counted).toContain('Ce code ne dit pas ce que vous avez choisi');
    const notYet = receiptPage({ kind: 'not_yet', typed: 'X' });
    expect(notYet).toContain('Pas encore…');
    expect(notYet).toContain('pas encore arrivé');
    expect(notYet).toContain('par groupes');
  });

  it('admin pages escape kiosk labels and codes list', () => {
    const kiosks = kiosksPage('csrf"<', [
      {
        kioskId: 'a'.repeat(32),
        label: hostile,
        enrolledAt: '2026-09-01T08:00:00Z',
        lastSeenAt: null,
        highWater: 0,
        ballots: 0,
        flagged: true,
        revoked: false,
      },
    ]);
    expectPageInvariants(kiosks);
    expect(kiosks).toContain('value="csrf&quot;&lt;"');
    expect(kiosks).toContain('Signalée');
    expect(kiosks).toContain(`href="/admin/bornes/revoquer?borne=${'a'.repeat(32)}"`);
    const revoked = {
      kioskId: 'b'.repeat(32),
      label: hostile,
      enrolledAt: '2026-09-01T08:00:00Z',
      lastSeenAt: null,
      highWater: 3,
      ballots: 40,
      flagged: false,
      revoked: true,
    };
    const after = kiosksPage('c', [revoked], { kind: 'revoked', label: hostile, already: false });
    expectPageInvariants(after);
    expect(after).toContain('Révoquée');
    expect(after).not.toContain('/admin/bornes/revoquer');
    expect(after).not.toContain(hostile);
    const confirm = revokePage('csrf"<', { ...revoked, revoked: false });
    expectPageInvariants(confirm);
    expect(confirm).toContain('<form method="post" action="/admin/bornes/revoquer"');
    expect(confirm).toContain('name="csrf" value="csrf&quot;&lt;"');
    expect(confirm).toContain(`name="kioskId" value="${'b'.repeat(32)}"`);
    expect(confirm).toContain('40 bulletins déjà comptés');
    expect(confirm).not.toContain(hostile);
    const codes = codesPage(
      'c',
      [
        {
          id: '1',
          label: hostile,
          createdAt: '2026-09-01T08:00:00Z',
          expiresAt: '2026-09-02T08:00:00Z',
          status: 'expired',
          usedAt: null,
          kioskId: null,
        },
      ],
      { label: hostile, hours: '1', errors: { label: 'x' } },
      null,
    );
    expectPageInvariants(codes);
    expect(codes).toContain('aria-invalid="true"');
    expect(codes).toContain('Expiré');
  });
});
