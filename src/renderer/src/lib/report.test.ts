/** The report view's decoding: the exact document back from its base64url payload, anything else refused. */
import { describe, expect, it } from 'vitest';
import { parseReportBlock, type ReportDocument } from '../../../shared/report';
import { base64urlToText, countsDiffer, decodeReport, reportBlock } from './report';

const doc: ReportDocument = {
  v: 2,
  kind: 'closing',
  kioskId: '0123456789abcdef0123456789abcdef',
  label: 'Comptoir d’Arras — Médiathèque',
  electionId: 'budget-citoyen-2026',
  day: '2026-09-02',
  at: '2026-09-02T18:05:00+02:00',
  mediators: ['Aïcha', 'Jean-Éric'],
  participations: 41,
  ballots: 40,
  assisted: 7,
  training: { participations: 2, ballots: 2 },
  batches: { sealed: 2, firstSeq: 1, lastSeq: 2 },
  waiting: 0,
  chainHead: 'a'.repeat(64),
  sync: { lastSuccessAt: null, batchesWaiting: 1 },
  incidents: [{ at: '2026-09-02T11:00:00+02:00', text: 'Coupure de courant, 10 minutes.' }],
  note: 'Une personne est partie avant de valider.',
};

const encode = (text: string): string => Buffer.from(text, 'utf8').toString('base64url');

describe('decodeReport', () => {
  it('reads back the exact document, accents included', () => {
    const payload = encode(JSON.stringify(doc));
    expect(base64urlToText(payload)).toBe(JSON.stringify(doc));
    expect(decodeReport({ payload })).toEqual(doc);
    expect(countsDiffer(doc)).toBe(true);
    expect(countsDiffer({ ...doc, ballots: 41 })).toBe(false);
  });

  it('refuses what is not a report', () => {
    expect(decodeReport({ payload: encode('{"v":1}') })).toBeNull();
    expect(decodeReport({ payload: encode('not json') })).toBeNull();
    expect(decodeReport({ payload: '!!!' })).toBeNull();
    expect(decodeReport({ payload: encode(JSON.stringify({ ...doc, extra: 1 })) })).toBeNull();
  });

  it('prints a block that a reader of the PDF text parses back', () => {
    const signed = { payload: encode(JSON.stringify(doc)), signature: encode('s'.repeat(64)) };
    const block = reportBlock(signed);
    for (const line of block.split('\n')) expect(line.length).toBeLessThanOrEqual(76);
    expect(parseReportBlock(`en-tête\n${block}\npied`)).toEqual(signed);
  });
});
