/**
 * Admin sessions, kept in memory: a random 256-bit id in an httpOnly, SameSite=Strict cookie maps to an
 * expiry and a per-session CSRF token that every state-changing form carries. A server restart logs the
 * central team out, which is the safe side. Nothing here is ever logged.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';

export const SESSION_COOKIE = 'isoloir_admin';
/** Admin session lifetime unless the plugin is told otherwise: a working day. */
export const ADMIN_SESSION_TTL_MS = 8 * 60 * 60 * 1000;
/** Pre-login CSRF token (double submit) so that a foreign site cannot log a browser in. */
export const LOGIN_COOKIE = 'isoloir_login';

export interface AdminSession {
  id: string;
  csrf: string;
  expiresAt: number;
}

const newToken = (): string => randomBytes(32).toString('base64url');

/** Constant-time comparison of two tokens (different lengths are simply unequal). */
export function sameToken(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export class AdminSessions {
  private readonly sessions = new Map<string, AdminSession>();

  constructor(
    private readonly ttlMs: number,
    /** Bound on live sessions: the oldest goes first, so memory cannot grow without limit. */
    private readonly maxSessions = 200,
    private readonly now: () => number = Date.now,
  ) {}

  create(): AdminSession {
    this.sweep();
    while (this.sessions.size >= this.maxSessions) {
      const oldest = this.sessions.keys().next();
      if (oldest.done) break;
      this.sessions.delete(oldest.value);
    }
    const session = { id: newToken(), csrf: newToken(), expiresAt: this.now() + this.ttlMs };
    this.sessions.set(session.id, session);
    return session;
  }

  get(id: string | undefined): AdminSession | null {
    if (id === undefined) return null;
    const session = this.sessions.get(id);
    if (!session) return null;
    if (session.expiresAt <= this.now()) {
      this.sessions.delete(id);
      return null;
    }
    return session;
  }

  destroy(id: string): void {
    this.sessions.delete(id);
  }

  private sweep(): void {
    const t = this.now();
    for (const [id, s] of this.sessions) if (s.expiresAt <= t) this.sessions.delete(id);
  }
}

export const newLoginToken = newToken;
