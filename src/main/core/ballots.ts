/**
 * Casting a ballot (DESIGN §3.1, §3.3; docs/secrecy.md, "Secrecy once published" §3). The choices are
 * checked against the election package; then ONE transaction writes the ballot (a random local sort
 * key, sorted choices, the day only) into the open set of ballots, the participation (token, commune,
 * age bracket: no link to the ballot) into the open set of participations, the receipt commitment
 * sealed beside its ballot under the kiosk's key (so that it leaves in the ballot's batch), and a
 * `ballot_cast` audit event (no id, no choice); the cast that brings 2K ballots
 * open seals K of them in the same commit (the hold-back). The voter's receipt code is drawn fresh and
 * returned only after that commit, so "Merci" on the screen means the vote is on disk; the code itself
 * is never stored. (The participation is written here, not at eligibility: an abandoned session then
 * never locks a person out.)
 */
import { randomBytes } from 'node:crypto';
import type { Receipt } from '../../shared/api';
import { err, ok, type Result } from '../../shared/result';
import type { ElectionPackage } from '../../shared/wire';
import { appendAudit } from './audit';
import { alreadyVotedMessage, localDay } from './eligibility';
import type { SessionRegistry } from './sessions';
import type { KioskStore } from './store';
import { drawReceiptCode, receiptCommitment } from '../../shared/node/crypto';
import { isDiskFull } from '../../shared/node/sqlite';
import { DISK_FULL_MESSAGE } from './disk-watch';

/** Checks the choices against the rule of the election; returns them sorted. */
export function validateChoices(election: ElectionPackage, choices: readonly string[]): Result<string[]> {
  if (new Set(choices).size !== choices.length)
    return err(
      'choice_repeated',
      'Vous avez choisi le même projet deux fois. Chaque projet ne compte qu’une fois.',
    );
  const known = new Set(election.projects.map((p) => p.id));
  if (choices.some((id) => !known.has(id)))
    return err(
      'choice_unknown',
      'Un des projets choisis n’existe pas dans cette consultation. Revenez à la liste.',
    );
  if (choices.length < election.minChoices)
    return err(
      'choices_too_few',
      election.minChoices === 1
        ? 'Choisissez au moins un projet avant de valider.'
        : `Choisissez au moins ${election.minChoices} projets avant de valider.`,
      { minChoices: election.minChoices },
    );
  if (choices.length > election.maxChoices)
    return err(
      'choices_too_many',
      `Vous pouvez choisir ${election.maxChoices} projets au plus. Retirez-en un pour valider.`,
      { maxChoices: election.maxChoices },
    );
  return ok([...choices].sort());
}

/** A random 128-bit local key that orders the open set on the disk; never published, never the receipt. */
export const newBallotId = (): string => randomBytes(16).toString('hex');

/**
 * The package's receipt-check address with the code and the kiosk id as query parameters
 * (`…?code=XXXX-XXXX&kiosk=<kioskId>`), or null when the package has none.
 */
export function receiptCheckUrl(election: ElectionPackage, code: string, kioskId: string): string | null {
  const base = election.receiptCheckUrl;
  if (!base) return null;
  const url = new URL(base);
  url.searchParams.set('code', code);
  url.searchParams.set('kiosk', kioskId);
  return url.toString();
}

export interface CastContext {
  store: KioskStore;
  sessions: SessionRegistry;
  election: ElectionPackage;
  now: Date;
  /** This kiosk's id: the receipt commitment binds the code to it. */
  kioskId: string;
  /** Seals a receipt commitment for the open set (`KeyRing.sealReceiptLink`): `not_ready` while locked. */
  sealReceipt: (commitment: string) => Result<string>;
  log: (event: string, detail?: Record<string, string | number | boolean>) => void;
  /**
   * The hold-back (sync/batcher.ts): seals K ballots once 2K of the cast's mode are open, inside the
   * cast's transaction: one commit, and the open set never reaches 2K after a cast. A failure there
   * never costs the vote: the sealing rolls back alone and the next sync round seals.
   */
  sealIfFull?: () => void;
  /** True once the election's final batch is sealed on this kiosk: casting is over. */
  finalSealed?: () => boolean;
  /** Told when the disk refused the cast for lack of space (the mediator's screen says so). */
  onDiskFull?: () => void;
}

/**
 * Casts the session's one ballot. A session that already cast answers its receipt again and writes
 * nothing. better-sqlite3 is synchronous, so this whole function runs without yielding: two calls for
 * one session can never interleave; the `casting` flag keeps that true should it ever become async.
 */
export function castBallot(
  ctx: CastContext,
  input: { sessionId: string; choices: readonly string[] },
): Result<Receipt> {
  const lookup = ctx.sessions.get(input.sessionId, ctx.now);
  if (!lookup.found)
    return lookup.reason === 'session_expired'
      ? err(
          'session_expired',
          'Le temps pour voter est dépassé. Recommencez depuis le début, s’il vous plaît.',
        )
      : err(
          'session_unknown',
          'Votre session n’est plus valable. Recommencez depuis le début, s’il vous plaît.',
        );
  const session = lookup.session;
  if (session.receipt) return ok(session.receipt);
  if (session.casting)
    return err('storage_failed', 'Votre vote est en cours d’enregistrement. Patientez un instant.');
  if (session.electionId !== ctx.election.electionId)
    return err(
      'session_expired',
      'La consultation a changé sur ce kiosque. Recommencez depuis le début, s’il vous plaît.',
    );

  if (ctx.finalSealed?.())
    return err(
      'election_closed',
      'La consultation est close sur ce kiosque : votre vote ne peut plus être enregistré.',
    );

  const choices = validateChoices(ctx.election, input.choices);
  if (!choices.ok) return choices;

  const ballotId = newBallotId();
  const receiptCode = drawReceiptCode();
  const receipt = ctx.sealReceipt(receiptCommitment(ctx.kioskId, receiptCode));
  if (!receipt.ok) return receipt;
  const castDay = localDay(ctx.now);
  session.casting = true;
  try {
    const written = ctx.store.transaction((): boolean => {
      // Re-checked inside the transaction: another session of the same person may have cast since
      // eligibility (two kiosks' sessions, or two tabs of the harness).
      if (session.token && ctx.store.hasRealParticipation(session.token)) return false;
      ctx.store.insertVote(
        { id: ballotId, choices: choices.value, training: session.training, castDay, receipt: receipt.value },
        {
          // Training votes get a random token: a practice run never blocks a real vote, nor another practice.
          token: session.token ?? randomBytes(32).toString('hex'),
          communeCode: session.communeCode,
          ageBracket: session.ageBracket,
          assisted: session.assisted,
          training: session.training,
          castDay,
        },
      );
      appendAudit(ctx.store, ctx.now, 'ballot_cast', { training: session.training });
      if (ctx.sealIfFull) {
        try {
          ctx.sealIfFull();
        } catch (cause) {
          ctx.log('seal_failed', { error: cause instanceof Error ? cause.name : 'unknown' });
        }
      }
      return true;
    });
    if (!written) {
      ctx.sessions.end(input.sessionId);
      return err('already_voted', alreadyVotedMessage);
    }
  } catch (cause) {
    // The transaction rolled back: nothing of this vote is on the disk, the voter may cast again.
    const full = isDiskFull(cause, ctx.store.db.name);
    const code = cause instanceof Error && 'code' in cause ? String(cause.code) : '';
    ctx.log('cast_failed', { error: cause instanceof Error ? cause.name : 'unknown', code, diskFull: full });
    try {
      appendAudit(ctx.store, ctx.now, 'error', { code: full ? 'disk_full' : 'storage_failed' });
    } catch {
      // The disk refused the ballot; it may refuse the journal too. The log above has it.
    }
    if (full) {
      ctx.onDiskFull?.();
      return err('disk_full', DISK_FULL_MESSAGE);
    }
    return err(
      'storage_failed',
      'Votre vote n’a pas pu être enregistré : il n’a pas été compté. Réessayez, ou appelez le médiateur.',
    );
  } finally {
    session.casting = false;
  }
  session.receipt = {
    receiptCode,
    checkUrl: receiptCheckUrl(ctx.election, receiptCode, ctx.kioskId),
    training: session.training,
  };
  session.token = null; // nothing more to check: the token need not stay in memory
  ctx.log('ballot_cast', { training: session.training });
  return ok(session.receipt);
}
