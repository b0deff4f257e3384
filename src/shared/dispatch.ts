/**
 * The two ends every transport of the kiosk API shares (IPC in Electron, HTTP in the browser harness):
 * `dispatch` refuses a mediator or setup method the kiosk does not allow now, then parses a raw input
 * with the contract's zod schema before the core sees it; `createKioskClient` builds a typed `KioskApi`
 * over any "send this method and input" function. `withMediatorGate` is how the core gives its handlers
 * the role check, from the contract's roles (no other list of mediator or setup methods exists).
 */
import { z } from 'zod';
import {
  kioskContract,
  kioskMethods,
  mediatorGate,
  methodRole,
  type GatedRole,
  type KioskApi,
  type KioskHandlers,
  type KioskMethod,
} from './api';
import { err, ok, type Result } from './result';

const MEDIATOR_ONLY = 'Espace réservé au médiateur : saisissez le code.';
const SETUP_DONE = 'Ce kiosque est déjà installé : un médiateur doit se connecter.';
const INTERNAL = 'Une erreur inattendue est survenue. Réessayez ou appelez le médiateur.';
const INTERNAL_CAST = 'Une erreur inattendue est survenue. Le vote n’a pas été enregistré.';

/** The `unauthorized` answer of a mediator method called without an unlocked mediator session. */
export const mediatorOnly = (): Result<never> => err('unauthorized', MEDIATOR_ONLY);

/** The `setup_done` answer of a setup method once the kiosk has a mediator account. */
export const setupDone = (): Result<never> => err('setup_done', SETUP_DONE);

const refusal = (role: GatedRole): Result<never> => (role === 'mediator' ? mediatorOnly() : setupDone());

type AnyHandler = (input: unknown) => Promise<Result<unknown>> | Result<unknown>;

/**
 * Handlers whose mediator and setup methods (by the contract's roles) ask `allowed(role)` first,
 * carrying `allowed` as their `mediatorGate` so `dispatch` refuses before parsing. The voter methods pass
 * through unchanged.
 */
export function withMediatorGate(
  handlers: KioskHandlers,
  allowed: (role: GatedRole) => boolean,
): KioskHandlers {
  const gated: Partial<Record<KioskMethod, AnyHandler>> = {};
  for (const method of kioskMethods) {
    const inner = handlers[method] as AnyHandler;
    const role = methodRole(method);
    gated[method] = role === 'voter' ? inner : (input) => (allowed(role) ? inner(input) : refusal(role));
  }
  return Object.assign(gated as KioskHandlers, { [mediatorGate]: allowed });
}

/** A raw input parsed by a method's schema (absent means `{}`); `invalid_input` names the first bad field. */
export function parseInput(schema: z.ZodType, rawInput: unknown): Result<unknown> {
  const parsed = schema.safeParse(rawInput ?? {});
  if (parsed.success) return ok(parsed.data);
  const where = parsed.error.issues[0]?.path.join('.') ?? '';
  return err(
    'invalid_input',
    'Les informations envoyées ne sont pas valides.',
    where ? { field: where } : undefined,
  );
}

export const isKioskMethod = (name: string): name is KioskMethod =>
  (kioskMethods as readonly string[]).includes(name);

/**
 * Refuses a mediator or setup method the handlers' gate does not allow, parses `rawInput`, calls the
 * handler, and turns any thrown error into an `internal` result.
 */
export async function dispatch(
  handlers: KioskHandlers,
  method: string,
  rawInput: unknown,
): Promise<Result<unknown>> {
  if (!isKioskMethod(method)) return err('invalid_input', 'Action inconnue.');
  const role = methodRole(method);
  if (role !== 'voter' && handlers[mediatorGate]?.(role) === false) return refusal(role);
  const parsed = parseInput(kioskContract[method].input, rawInput);
  if (!parsed.ok) return parsed;
  try {
    const handler = handlers[method] as AnyHandler;
    return await handler(parsed.value);
  } catch {
    // The cause stays in the core's own log; the screen only needs to know it failed (and, for a cast,
    // that the vote was not recorded: its transaction rolled back).
    return err('internal', method === 'castBallot' ? INTERNAL_CAST : INTERNAL);
  }
}

/** Any Result on the wire, before its value is checked against a method's output schema. */
export const AnyResult = z.union([
  z.object({ ok: z.literal(true), value: z.unknown() }),
  z.object({
    ok: z.literal(false),
    error: z.object({
      code: z.string(),
      message: z.string(),
      details: z.record(z.string(), z.unknown()).optional(),
    }),
  }),
]);

/**
 * One method of a typed client: sends, then checks the answer's shape and, when it succeeded, its value
 * against `output`. A send that throws answers `unreachable`; a malformed answer, `internal`.
 */
export function checkedCall(
  send: (input: unknown) => Promise<unknown>,
  output: z.ZodType,
  unreachable: Result<never>,
): (input: unknown) => Promise<Result<unknown>> {
  return async (input) => {
    let raw: unknown;
    try {
      raw = await send(input);
    } catch {
      return unreachable;
    }
    const result = AnyResult.safeParse(raw);
    if (!result.success) return err('internal', 'Réponse inattendue du kiosque.');
    if (!result.data.ok) return raw as Result<unknown>;
    const value = output.safeParse(result.data.value);
    return value.success
      ? { ok: true, value: value.data }
      : err('internal', 'Réponse inattendue du kiosque.');
  };
}

/** Builds a typed client; answers are checked against the contract's output schema. */
export function createKioskClient(send: (method: KioskMethod, input: unknown) => Promise<unknown>): KioskApi {
  const unreachable = err('server_unreachable', 'Le kiosque ne répond pas. Réessayez dans un instant.');
  const client: Partial<Record<KioskMethod, (input: unknown) => Promise<Result<unknown>>>> = {};
  for (const method of kioskMethods)
    client[method] = checkedCall((input) => send(method, input), kioskContract[method].output, unreachable);
  return client as KioskApi;
}
