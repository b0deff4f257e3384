/**
 * Voter sessions, in memory only: what eligibility established (token, commune, bracket, assisted,
 * training) held between "Je peux voter" and "Valider mon vote", under a random 128-bit id. A session
 * expires after a while (a voter who walks away leaves nothing usable) and casts at most once: after the
 * cast it keeps only the receipt, so a double tap or a replayed call gets the same receipt back.
 */
import { randomBytes } from 'node:crypto';
import type { Receipt } from '../../shared/api';
import type { AgeBracket } from '../../shared/wire';

export const DEFAULT_SESSION_TTL_MS = 15 * 60 * 1000;

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

  end(sessionId: string): void {
    this.sessions.delete(sessionId);
  }

  clear(): void {
    this.sessions.clear();
  }

  /** Forgets sessions long expired (a just-expired one is kept a while to say "expired", not "unknown"). */
  private sweep(now: Date): void {
    for (const [id, session] of this.sessions)
      if (now.getTime() >= session.expiresAt + this.ttlMs) this.sessions.delete(id);
  }
}
