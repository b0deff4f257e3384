/**
 * Offline enrolment by USB, in two trips (docs/protocol.md): the kiosk writes
 * `isoloir-enrol-request-<kioskId>.json` (an `EnrolRequest` signed for the address `usb:`), the central
 * team turns it into `isoloir-enrol-answer-<kioskId>.json` here (CLI `enrol-usb` or the admin page), and
 * the kiosk reads the answer back. Same once-only rule as online: the code is spent by the first answer.
 */
import { err, ok, type Result } from '../shared/result';
import { parseJsonBytes, signDocument } from '../shared/node/crypto';
import { enrolAnswerFileName, USB_SERVER_URL, type EnrolAnswer, type SignedDocument } from '../shared/wire';
import type { Authority } from './datadir';
import { currentElection } from './election';
import { redeemEnrolmentCode } from './enrolment';
import type { ServerStore } from './store';

export interface UsbEnrolAnswer {
  kioskId: string;
  fileName: string;
  /** The answer file's content: `{payload, signature}` signed by the authority (domain `enrolAnswer`). */
  document: SignedDocument;
}

/** Turns the bytes of a request file into the signed answer, spending the request's code. */
export function answerUsbEnrolment(
  store: ServerStore,
  authority: Authority,
  requestBytes: Uint8Array,
  now: Date,
): Result<UsbEnrolAnswer> {
  const body = parseJsonBytes(requestBytes);
  if (body === undefined) return err('malformed', 'Le fichier de demande n’est pas du JSON.');
  const outcome = redeemEnrolmentCode(store, authority, body, now, { serverUrls: [USB_SERVER_URL] });
  if (outcome.status !== 201) return err(outcome.error, outcome.message);
  const election = currentElection(store);
  if (!election) return err('no_election', 'Aucune élection n’est publiée.');
  const answer: EnrolAnswer = {
    v: 2,
    kioskId: outcome.body.kioskId,
    electionId: outcome.body.electionId,
    participationKey: outcome.body.participationKey,
    recoveryKey: outcome.body.recoveryKey,
    authorityPublicKey: outcome.body.authorityPublicKey,
    election: { payload: election.payload, signature: election.signature },
  };
  return ok({
    kioskId: answer.kioskId,
    fileName: enrolAnswerFileName(answer.kioskId),
    document: signDocument('enrolAnswer', answer, authority.privateKey),
  });
}
