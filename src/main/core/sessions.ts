/**
 * Voter sessions, in memory only: what eligibility established (token, commune, bracket, assisted,
 * training) held between "Je peux voter" and "Valider mon vote", under a random 128-bit id. A session
 * lasts while the voter is active: each `touch` (the screen's idle guard calls it while someone uses the
 * screen) moves its end to `ttlMs` later, so a slow voter never loses their choices, and a voter who
 * walks away leaves nothing usable once the screen stops touching it. It casts at most once: after the
 * cast it keeps only the receipt, so a double tap or a replayed call gets the same receipt back.
 */
import { randomBytes } from 'node:crypto';
import type { Receipt } from '../../shared/api';
import type { AgeBracket } from '../../shared/wire';

/** How long a session lasts after the voter's last sign of activity (eligibility or a touch). */
export const DEFAULT_SESSION_TTL_MS = 10 * 60 * 1000;

export interface VoterSessionState {
  electionId: string;
  token: string | null;
  communeCode: string;
  ageBracket: AgeBracket;
  assisted: boolean;
  training: boolean;
  expiresAt: number;
  /** Set while the cast transaction runs, so no second call can start another. */
  casting: boolean;
  receipt: Receipt | null;
}

export type SessionLookup =
  | { found: true; session: VoterSessionState }
  | { found: false; reason: 'session_unknown' | 'session_expired' };

export class SessionRegistry {
  private readonly sessions = new Map<string, VoterSessionState>();

  constructor(private readonly ttlMs: number = DEFAULT_SESSION_TTL_MS) {}

  open(now: Date, state: Omit<VoterSessionState, 'expiresAt' | 'casting' | 'receipt'>): string {
    this.sweep(now);
    const sessionId = randomBytes(16).toString('hex');
    this.sessions.set(sessionId, {
      ...state,
      expiresAt: now.getTime() + this.ttlMs,
      casting: false,
      receipt: null,
    });
    return sessionId;
  }

  get(sessionId: string, now: Date): SessionLookup {
    const session = this.sessions.get(sessionId);
    if (!session) return { found: false, reason: 'session_unknown' };
    if (now.getTime() >= session.expiresAt) {
      this.sessions.delete(sessionId);
      return { found: false, reason: 'session_expired' };
    }
    return { found: true, session };
  }

  /** Whether a session is a training one (null when unknown), without ending an expired one. */
  trainingOf(sessionId: string): boolean | null {
    return this.sessions.get(sessionId)?.training ?? null;
  }

  /** The voter is still there: the session now ends `ttlMs` from `now`. False if unknown or expired. */
  touch(sessionId: string, now: Date): boolean {
    // An expired session stays as it is, so the cast that follows still says "expired", not "unknown".
    const session = this.sessions.get(sessionId);
    if (!session || now.getTime() >= session.expiresAt) return false;
    session.expiresAt = Math.max(session.expiresAt, now.getTime() + this.ttlMs);
    return true;
  }

  end(sessionId: string): void {
    this.sessions.delete(sessionId);
  }

  /** Ends every session (the escape hatch, a pause, the close of the day); returns how many were open. */
  clear(): number {
    const open = this.sessions.size;
    this.sessions.clear();
    return open;
  }

  /** Forgets sessions long expired (a just-expired one is kept a while to say "expired", not "unknown"). */
  private sweep(now: Date): void {
    for (const [id, session] of this.sessions)
      if (now.getTime() >= session.expiresAt + this.ttlMs) this.sessions.delete(id);
  }
}
