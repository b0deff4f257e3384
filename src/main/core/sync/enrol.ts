/**
 * Enrolment, kiosk side: the mediator types the server address and the one-time code (and, if the
 * central team read it out, the authority key's fingerprint). The kiosk sends its public key, checks the
 * answer (our own kioskId, the fingerprint), fetches the signed election package, verifies it with the
 * authority key it just received, and stores everything in one transaction: nothing is kept from a
 * refused or half-finished enrolment. Each refusal has its own plain French message.
 */
import { err, ok, type Result } from '../../../shared/result';
import { EnrolResponse } from '../../../shared/wire';
import { keyFingerprint } from '../../../shared/node/crypto';
import { verifyElectionDocument } from '../election';
import type { KioskContext } from '../context';
import { settingKeys } from '../store';
import { joinUrl, requestJson, type FetchLike, type HttpOutcome } from './http';

export interface EnrolRequestInput {
  serverUrl: string;
  code: string;
  label: string;
  authorityFingerprint?: string | undefined;
}

export interface EnrolDeps {
  context: KioskContext;
  fetch?: FetchLike;
  timeoutMs?: number;
}

const UNREACHABLE =
  'Le serveur central ne répond pas à cette adresse. Vérifiez l’adresse et la connexion, puis réessayez.';

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

/** Compares fingerprints the way a person reads them: case, spaces and dashes do not matter. */
const sameFingerprint = (a: string, b: string): boolean =>
  a.toLowerCase().replace(/[^0-9a-f]/g, '') === b.toLowerCase().replace(/[^0-9a-f]/g, '');

class EnrolRollback extends Error {}

export async function enrolKiosk(
  deps: EnrolDeps,
  input: EnrolRequestInput,
): Promise<Result<{ electionId: string }>> {
  const { store, identity } = deps.context;
  const http = { ...(deps.fetch ? { fetch: deps.fetch } : {}), timeoutMs: deps.timeoutMs ?? 15_000 };
  const serverUrl = input.serverUrl.replace(/\/+$/, '');
  const answer = await requestJson(
    joinUrl(serverUrl, '/api/v1/kiosks'),
    {
      method: 'POST',
      body: { code: input.code.trim(), publicKey: identity.publicKey, label: input.label },
    },
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
        'Ce code d’inscription est inconnu, déjà utilisé par un autre kiosque, ou expiré. Demandez un nouveau code à l’équipe centrale.',
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
  if (
    input.authorityFingerprint &&
    !sameFingerprint(input.authorityFingerprint, keyFingerprint(enrolled.authorityPublicKey))
  )
    return err(
      'enrolment_refused',
      'L’empreinte de la clé du serveur ne correspond pas à celle donnée par l’équipe centrale : inscription annulée. Vérifiez l’adresse du serveur.',
    );

  const pkg = await requestJson(joinUrl(serverUrl, '/api/v1/election'), { method: 'GET' }, http);
  if (pkg.kind === 'transient') return transientRefusal(pkg);
  if (pkg.kind === 'refused')
    return err('enrolment_refused', 'Le serveur n’a pas fourni la consultation. Réessayez plus tard.');
  const verified = verifyElectionDocument(pkg.body, enrolled.authorityPublicKey);
  if (!verified.ok)
    return err(
      'enrolment_refused',
      'La consultation envoyée par le serveur n’est pas signée par l’équipe centrale : inscription annulée. Vérifiez l’adresse du serveur.',
      { reason: verified.error.code },
    );
  if (verified.value.election.electionId !== enrolled.electionId)
    return err('enrolment_refused', 'La consultation fournie n’est pas celle de l’inscription : réessayez.');

  const existing = store.getElectionPackage();
  if (existing && existing.electionId !== enrolled.electionId && store.countBallots(false) > 0)
    return err(
      'enrolment_refused',
      'Ce kiosque contient déjà des votes d’une autre consultation : il ne peut pas être inscrit à celle-ci.',
    );

  // One transaction: the keys, the address and the package are all kept, or none (the core's
  // installElection nests as a savepoint and verifies the package again with the key just stored).
  try {
    store.transaction(() => {
      store.setSetting(settingKeys.serverUrl, serverUrl);
      store.setSetting(settingKeys.authorityPublicKey, enrolled.authorityPublicKey);
      store.setSetting(settingKeys.participationKey, enrolled.participationKey);
      store.setSetting(settingKeys.label, input.label);
      const installed = deps.context.installElection(pkg.body);
      if (!installed.ok) throw new EnrolRollback(installed.error.message);
      deps.context.audit('enrolled', { electionId: enrolled.electionId });
    });
  } catch (cause) {
    if (cause instanceof EnrolRollback) return err('enrolment_refused', cause.message);
    throw cause;
  }
  return ok({ electionId: enrolled.electionId });
}
