/**
 * Expected failures are values, not exceptions (STYLE §3). Every API call, over IPC or HTTP, answers a
 * Result: the screen shows `error.message` (French) or translates `error.code`.
 */
import type { ErrorCode } from './errors';

export interface AppError {
  code: ErrorCode;
  message: string;
  /** Optional machine-readable details (never a name, a token or a choice). */
  details?: Record<string, string | number | boolean>;
}

export type Result<T> = { ok: true; value: T } | { ok: false; error: AppError };

export const ok = <T>(value: T): Result<T> => ({ ok: true, value });

export const err = <T = never>(code: ErrorCode, message: string, details?: AppError['details']): Result<T> =>
  details ? { ok: false, error: { code, message, details } } : { ok: false, error: { code, message } };
