/**
 * Enrolment by USB stick in two trips, for a counter with no network: the kiosk writes its signed
 * enrolment request (`isoloir-enrol-request-<kioskId>.json`, the body `POST /api/v1/kiosks` would get,
 * with `usb:` as its server address); the central team turns it into an answer signed by the authority
 * (`isoloir-enrol-answer-<kioskId>.json`); the kiosk reads it back, pins the authority key against the
 * fingerprint the mediator typed, verifies the signature and installs the keys and the package.
 */
import { lstatSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { err, ok, type Result } from '../../shared/result';
import {
  EnrolAnswer,
  enrolAnswerFileName,
  enrolRequestFileName,
  SignedDocument,
  USB_SERVER_URL,
} from '../../shared/wire';
import { fromBase64url, parseJsonBytes, verifyDocument } from '../../shared/node/crypto';
import { resolveDrive } from './drives';
import { settingKeys } from './store';
import { checkAuthority, enrolmentRequest, installEnrolment, isEnrolled, type EnrolDeps } from './sync/enrol';
import { writeFileDurably } from './sync/usb-writer';

/** An answer is a few hundred kilobytes at most (the package with its texts); refuse anything bigger. */
const MAX_ANSWER_BYTES = 16 * 1024 * 1024;

const alreadyEnrolled = (): Result<never> =>
  err(
    'already_enrolled',
    'Ce kiosque est déjà inscrit : il ne peut pas être inscrit une seconde fois sans être réinitialisé.',
  );

export function writeEnrolmentRequest(
  deps: EnrolDeps,
  input: { driveId: string; code: string; label: string },
): Result<{ file: string }> {
  const { store, identity } = deps.context;
  if (isEnrolled(store)) return alreadyEnrolled();
  const folder = resolveDrive(input.driveId);
  if (!folder.ok) return folder;
  const request = enrolmentRequest(identity, {
    code: input.code,
    label: input.label,
    serverUrl: USB_SERVER_URL,
  });
  let file: string;
  try {
    // Synced before the call returns: the stick can be removed at once. Readable by the central team.
    file = writeFileDurably(
      folder.value,
      enrolRequestFileName(identity.kioskId),
      `${JSON.stringify(request, null, 2)}\n`,
      0o644,
    );
  } catch {
    return err(
      'usb_write_failed',
      'Impossible d’écrire sur la clé USB : vérifiez qu’elle est bien branchée et qu’elle n’est pas protégée en écriture.',
    );
  }
  // The label goes with the request; the answer does not repeat it.
  store.transaction(() => {
    store.setSetting(settingKeys.label, request.label);
    deps.context.audit('enrolment_request_written', {});
  });
  return ok({ file });
}

export function readEnrolmentAnswer(
  deps: EnrolDeps,
  input: { driveId: string; authorityFingerprint: string },
): Result<{ electionId: string }> {
  const { store, identity } = deps.context;
  if (isEnrolled(store)) return alreadyEnrolled();
  const folder = resolveDrive(input.driveId);
  if (!folder.ok) return folder;
  const file = join(folder.value, enrolAnswerFileName(identity.kioskId));
  const missing = err(
    'answer_not_found',
    'La réponse d’inscription de ce kiosque n’est pas sur cette clé. L’équipe centrale doit la préparer à partir de la demande.',
  );
  let text: string;
  try {
    const stat = lstatSync(file);
    if (!stat.isFile() || stat.size > MAX_ANSWER_BYTES) return missing;
    text = readFileSync(file, 'utf8');
  } catch {
    return missing;
  }
  const unreadable = err(
    'answer_invalid',
    'La réponse d’inscription sur la clé est illisible ou n’est pas signée par l’équipe centrale : rien n’a été enregistré.',
  );
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return unreadable;
  }
  const document = SignedDocument.safeParse(json);
  if (!document.success) return unreadable;
  // The key that signs the answer is named inside it: pin it to the typed fingerprint before trusting it.
  const bytes = fromBase64url(document.data.payload);
  const claimed = bytes ? EnrolAnswer.safeParse(parseJsonBytes(bytes)) : null;
  if (!claimed?.success) return unreadable;
  const pinned = checkAuthority(claimed.data.authorityPublicKey, input.authorityFingerprint);
  if (!pinned.ok) return pinned;
  const verified = verifyDocument('enrolAnswer', document.data, claimed.data.authorityPublicKey);
  if (!verified.ok) return unreadable;
  const answer = EnrolAnswer.safeParse(parseJsonBytes(verified.bytes));
  if (!answer.success) return unreadable;
  if (answer.data.kioskId !== identity.kioskId)
    return err(
      'answer_invalid',
      'Cette réponse d’inscription est celle d’un autre kiosque : rien n’a été enregistré.',
    );
  return installEnrolment(deps, {
    electionId: answer.data.electionId,
    authorityPublicKey: answer.data.authorityPublicKey,
    secrets: { participationKey: answer.data.participationKey, recoveryKey: answer.data.recoveryKey },
    election: answer.data.election,
    serverUrl: null,
    label: store.getSetting(settingKeys.label) ?? 'Kiosque',
  });
}
