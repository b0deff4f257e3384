/**
 * Text folding shared by the kiosk, the server and the renderer: names for the participation token
 * (DESIGN §3.2) and free text for accent-insensitive search. Pure functions, no I/O.
 */

const LIGATURES: Record<string, string> = { œ: 'oe', æ: 'ae', ß: 'ss', Œ: 'oe', Æ: 'ae' };

/** Lower case, accents and ligatures removed; nothing else changed. */
export function foldAccents(text: string): string {
  return text
    .replace(/[œæßŒÆ]/g, (c) => LIGATURES[c] ?? c)
    .normalize('NFD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase();
}

/**
 * A name as it enters the participation token: lower case, accents removed, and every run of spaces,
 * hyphens, apostrophes or dots folded to one space ("Jean-Pierre", "JEAN PIERRE" and "jean  pierre"
 * give the same token; "D'Artagnan" and "d artagnan" too).
 */
export function normaliseName(name: string): string {
  return foldAccents(name)
    .replace(/[\s\-‐‑‒–—'’ʼ`´.]+/gu, ' ')
    .trim();
}

/** Search key: accents folded, punctuation to spaces, runs of spaces collapsed. */
export function searchKey(text: string): string {
  return foldAccents(text)
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}
