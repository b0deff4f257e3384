/**
 * Enrolment, kiosk side (docs/secrecy.md §6): the request the kiosk signs with its new private key (proof
 * of possession over the normalised code, its public key and the server address), the online round trip
 * (`POST /api/v1/kiosks`, then the signed package), and the one transaction that installs what an answer
 * gives, online or from a stick. The authority key is pinned here and only here: its fingerprint must
 * equal the one the central team gave the mediator, else nothing at all is stored. An enrolled kiosk
 * refuses to enrol again. Each refusal has its own stable code and plain French message.
 */
import { enrolProofText, normaliseEnrolmentCode, sameFingerprint } from '../../../shared/enrol-proof';
import { err, ok, type Result } from '../../../shared/result';
import { EnrolResponse, SignedDocument, type EnrolRequest } from '../../../shared/wire';
import { keyFingerprint } from '../../../shared/node/crypto';
import { verifyElectionDocument } from '../election';
import type { KioskContext } from '../context';
import type { KioskIdentity } from '../identity';
import { settingKeys, type KioskStore } from '../store';
import { joinUrl, requestJson, type FetchLike, type HttpOutcome } from './http';

export interface EnrolRequestInput {
  serverUrl: string;
  code: string;
  label: string;
  authorityFingerprint: string;
}

/** The secrets an enrolment hands over: the key ring seals them (keys.ts), never in clear on disk. */
export interface EnrolmentSecrets {
  participationKey: string;
  recoveryKey: string;
}

export interface EnrolDeps {
  context: KioskContext;
  fetch?: FetchLike;
  timeoutMs?: number;
}

const UNREACHABLE =
  'Le serveur central ne répond pas à cette adresse. Vérifiez l’adresse et la connexion, puis réessayez.';

const FINGERPRINT_MISMATCH =
  'L’empreinte de la clé du serveur ne correspond pas à celle donnée par l’équipe centrale : rien n’a été enregistré. Vérifiez l’adresse du serveur et l’empreinte, ou appelez l’équipe centrale.';

/** No answer from the server itself: say whether nothing answered, a portal did, or the server is busy. */
function transientRefusal(answer: Extract<HttpOutcome, { kind: 'transient' }>): Result<never> {
  if (answer.reason === 'server_busy' && answer.status === 429)
    return err('enrolment_refused', 'Trop de tentatives : attendez une minute avant de réessayer.');
  if (answer.reason === 'server_busy')
    return err('server_unreachable', 'Le serveur central a un problème passager. Réessayez dans un instant.');
  if (answer.reason === 'not_isoloir')
    return err(
      'server_unreachable',
      'Le réseau a répondu à la place du serveur (portail wifi ?). Ouvrez l’accès au réseau ou vérifiez l’adresse, puis réessayez.',
    );
  return err('server_unreachable', UNREACHABLE);
}

const LOOPBACK_HOSTS = new Set(['127.0.0.1', '[::1]', 'localhost']);

/**
 * The server address as the kiosk keeps and signs it: `https://`, or `http://` on loopback only (a
 * counter's network is not trusted), without a trailing slash, query or fragment.
 */
export function checkServerUrl(text: string): Result<string> {
  let url: URL;
  try {
    url = new URL(text.trim());
  } catch {
    return err(
      'invalid_server_url',
      'Cette adresse de serveur n’est pas valide (exemple : https://vote.exemple.fr).',
    );
  }
  const loopback = LOOPBACK_HOSTS.has(url.hostname);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback))
    return err(
      'insecure_server_url',
      'L’adresse du serveur doit commencer par https:// : une connexion non chiffrée n’est pas acceptée.',
    );
  if (url.username || url.password || url.search || url.hash)
    return err(
      'invalid_server_url',
      'Cette adresse de serveur n’est pas valide (exemple : https://vote.exemple.fr).',
    );
  return ok(`${url.origin}${url.pathname}`.replace(/\/+$/, ''));
}

/** The kiosk is enrolled once it holds an authority key: from then on the key stays pinned. */
export const isEnrolled = (store: KioskStore): boolean =>
  store.getSetting(settingKeys.authorityPublicKey) !== null;

const refuseIfEnrolled = (store: KioskStore): Result<never> | null =>
  isEnrolled(store)
    ? err(
        'already_enrolled',
        'Ce kiosque est déjà inscrit : il ne peut pas être inscrit une seconde fois sans être réinitialisé.',
      )
    : null;

/** The body of `POST /api/v1/kiosks` (and of the offline request file), signed by the kiosk's key. */
export function enrolmentRequest(
  identity: KioskIdentity,
  input: { code: string; label: string; serverUrl: string },
): EnrolRequest {
  const code = normaliseEnrolmentCode(input.code);
  const text = enrolProofText(code, identity.publicKey, input.serverUrl);
  return {
    code,
    publicKey: identity.publicKey,
    label: input.label.trim(),
    proof: identity.signBytes('enrol', Buffer.from(text, 'utf8')),
    serverUrl: input.serverUrl,
  };
}

export interface VerifiedEnrolment {
  electionId: string;
  authorityPublicKey: string;
  secrets: EnrolmentSecrets;
  election: SignedDocument;
  serverUrl: string | null;
  label: string;
}

/** Pins the authority key: a key whose fingerprint differs from the one typed stops everything. */
export function checkAuthority(authorityPublicKey: string, typedFingerprint: string): Result<void> {
  return sameFingerprint(typedFingerprint, keyFingerprint(authorityPublicKey))
    ? ok(undefined)
    : err('fingerprint_mismatch', FINGERPRINT_MISMATCH);
}

class EnrolRollback extends Error {
  constructor(readonly result: Result<never>) {
    super(result.ok ? '' : result.error.message);
  }
}

/**
 * Installs a verified enrolment in one transaction: the keys, the address, the label and the package are
 * all kept, or none (installElection nests as a savepoint and verifies the package again with the key
 * just stored). The package must verify with the answer's authority key and be the answer's election.
 */
export function installEnrolment(
  deps: EnrolDeps,
  enrolment: VerifiedEnrolment,
): Result<{ electionId: string }> {
  const { store } = deps.context;
  const refused = refuseIfEnrolled(store);
  if (refused) return refused;
  const verified = verifyElectionDocument(enrolment.election, enrolment.authorityPublicKey);
  if (!verified.ok)
    return err(
      'package_refused',
      'La consultation reçue n’est pas signée par l’équipe centrale : rien n’a été enregistré.',
      { reason: verified.error.code },
    );
  if (verified.value.election.electionId !== enrolment.electionId)
    return err(
      'package_refused',
      'La consultation reçue n’est pas celle de l’inscription : rien n’a été enregistré.',
    );
  const existing = store.getElectionPackage();
  if (existing && existing.electionId !== enrolment.electionId && store.countBallots(false) > 0)
    return err(
      'enrolment_refused',
      'Ce kiosque contient déjà des votes d’une autre consultation : il ne peut pas être inscrit à celle-ci.',
    );
  try {
    store.transaction(() => {
      if (enrolment.serverUrl !== null) store.setSetting(settingKeys.serverUrl, enrolment.serverUrl);
      store.setSetting(settingKeys.authorityPublicKey, enrolment.authorityPublicKey);
      const sealed = deps.context.keys.setParticipationKey(enrolment.secrets.participationKey);
      if (!sealed.ok) throw new EnrolRollback(sealed);
      const wrapped = deps.context.keys.setRecoveryKey(enrolment.secrets.recoveryKey);
      if (!wrapped.ok) throw new EnrolRollback(wrapped);
      store.setSetting(settingKeys.label, enrolment.label);
      const installed = deps.context.installElection(enrolment.election);
      if (!installed.ok) throw new EnrolRollback(err('package_refused', installed.error.message));
      deps.context.audit('enrolled', {
        electionId: enrolment.electionId,
        online: enrolment.serverUrl !== null,
      });
    });
  } catch (cause) {
    if (cause instanceof EnrolRollback) return cause.result;
    throw cause;
  }
  return ok({ electionId: enrolment.electionId });
}

/**
 * Online enrolment: sends the signed request, pins the authority key against the typed fingerprint,
 * fetches and verifies the package, then installs everything at once. Returns the server's clock (its
 * `Date` header) for the check screen.
 */
export async function enrolKiosk(
  deps: EnrolDeps,
  input: EnrolRequestInput,
): Promise<Result<{ electionId: string; serverDate: Date | null }>> {
  const { store, identity } = deps.context;
  const refused = refuseIfEnrolled(store);
  if (refused) return refused;
  const checked = checkServerUrl(input.serverUrl);
  if (!checked.ok) return checked;
  const serverUrl = checked.value;
  const http = { ...(deps.fetch ? { fetch: deps.fetch } : {}), timeoutMs: deps.timeoutMs ?? 15_000 };
  const answer = await requestJson(
    joinUrl(serverUrl, '/api/v1/kiosks'),
    { method: 'POST', body: enrolmentRequest(identity, { code: input.code, label: input.label, serverUrl }) },
    http,
  );
  if (answer.kind === 'transient') return transientRefusal(answer);
  if (answer.kind === 'refused') {
    if (answer.status === 403 && answer.error === 'no_election')
      return err(
        'enrolment_refused',
        'Le serveur central n’a pas encore publié de consultation. Réessayez plus tard.',
      );
    if (answer.status === 403)
      return err(
        'enrolment_refused',
        'Ce code d’inscription est inconnu, déjà utilisé ou expiré. Demandez un nouveau code à l’équipe centrale.',
      );
    // The server's own message is French by contract.
    return err('enrolment_refused', `Le serveur a refusé l’inscription : ${answer.message}`, {
      status: answer.status,
      error: answer.error,
    });
  }
  const response = EnrolResponse.safeParse(answer.body);
  if (!response.success)
    return err(
      'enrolment_refused',
      'Réponse inattendue du serveur : est-ce bien l’adresse du serveur isoloir ?',
    );
  const enrolled = response.data;
  if (enrolled.kioskId !== identity.kioskId)
    return err(
      'enrolment_refused',
      'Le serveur a inscrit un autre identifiant de kiosque : inscription annulée.',
    );
  const pinned = checkAuthority(enrolled.authorityPublicKey, input.authorityFingerprint);
  if (!pinned.ok) return pinned;

  const pkg = await requestJson(joinUrl(serverUrl, '/api/v1/election'), { method: 'GET' }, http);
  if (pkg.kind === 'transient') return transientRefusal(pkg);
  if (pkg.kind === 'refused')
    return err('enrolment_refused', 'Le serveur n’a pas fourni la consultation. Réessayez plus tard.');
  const document = SignedDocument.safeParse(pkg.body);
  if (!document.success)
    return err('package_refused', 'La consultation reçue est illisible : rien n’a été enregistré.');
  const installed = installEnrolment(deps, {
    electionId: enrolled.electionId,
    authorityPublicKey: enrolled.authorityPublicKey,
    secrets: { participationKey: enrolled.participationKey, recoveryKey: enrolled.recoveryKey },
    election: document.data,
    serverUrl,
    label: input.label.trim(),
  });
  if (!installed.ok) return installed;
  return ok({ electionId: installed.value.electionId, serverDate: answer.serverDate ?? pkg.serverDate });
}
