// The bundle line schemas and the Node-free line splitter: chunk boundaries anywhere, CRLF tolerated,
// unknown types and extra fields refused, and what the exporter writes parses back.
import { describe, expect, it } from 'vitest';
import {
  formatBundleLine,
  LineSplitter,
  parseBundleLine,
  type BundleLine,
} from '../../../src/shared/audit-bundle';

const header: BundleLine = {
  type: 'header',
  format: 'isoloir-audit',
  v: 4,
  electionId: 'bc62-2024',
  exportedAt: '2024-10-01T09:00:00.000Z',
  kioskSubtotalThreshold: 10,
};

describe('audit bundle lines', () => {
  it('splits lines whatever the chunk boundaries', () => {
    const text = 'un\r\ndeux\n\ntrois\nquatre';
    for (let cut = 0; cut <= text.length; cut++) {
      const splitter = new LineSplitter();
      const lines = [
        ...splitter.push(text.slice(0, cut)),
        ...splitter.push(text.slice(cut)),
        ...splitter.end(),
      ];
      expect(lines).toEqual(['un', 'deux', 'trois', 'quatre']);
    }
  });

  it('parses back what the exporter writes', () => {
    const text = formatBundleLine(header);
    expect(text.endsWith('\n')).toBe(true);
    expect(parseBundleLine(text.trimEnd())).toEqual({ ok: true, line: header });
  });

  it('refuses unknown types, extra fields and broken JSON with a reason', () => {
    expect(parseBundleLine('{"type":"ballot"}').ok).toBe(false);
    expect(parseBundleLine(JSON.stringify({ ...header, extra: 1 })).ok).toBe(false);
    expect(parseBundleLine(JSON.stringify({ ...header, v: 1 })).ok).toBe(false); // an older format
    const broken = parseBundleLine('{"type":');
    expect(broken).toEqual({ ok: false, reason: 'JSON illisible' });
    const badBatch = parseBundleLine(
      JSON.stringify({
        type: 'batch',
        kioskId: 'x',
        seq: 1,
        payload: 'a',
        signature: 'b',
        receivedAt: 'now',
        status: 'counted',
      }),
    );
    expect(badBatch.ok).toBe(false);
    if (!badBatch.ok) expect(badBatch.reason).toMatch(/^kioskId : /);
  });
});
