/**
 * The two ends every transport of the kiosk API shares (IPC in Electron, HTTP in the browser harness):
 * `dispatch` parses a raw input with the contract's zod schema before the core sees it, and
 * `createKioskClient` builds a typed `KioskApi` over any "send this method and input" function.
 */
import { z } from 'zod';
import { kioskContract, kioskMethods, type KioskApi, type KioskHandlers, type KioskMethod } from './api';
import { err, type Result } from './result';

export const isKioskMethod = (name: string): name is KioskMethod =>
  (kioskMethods as readonly string[]).includes(name);

/** Parses `rawInput`, calls the handler, and turns any thrown error into an `internal` result. */
export async function dispatch(
  handlers: KioskHandlers,
  method: string,
  rawInput: unknown,
): Promise<Result<unknown>> {
  if (!isKioskMethod(method)) return err('invalid_input', 'Action inconnue.');
  const parsed = kioskContract[method].input.safeParse(rawInput ?? {});
  if (!parsed.success) {
    const where = parsed.error.issues[0]?.path.join('.') ?? '';
    return err(
      'invalid_input',
      'Les informations envoyées ne sont pas valides.',
      where ? { field: where } : undefined,
    );
  }
  try {
    const handler = handlers[method] as (input: unknown) => Promise<Result<unknown>> | Result<unknown>;
    return await handler(parsed.data);
  } catch {
    // The cause stays in the core's own log; the screen only needs to know it failed.
    return err('internal', 'Une erreur inattendue est survenue. Le vote n’a pas été enregistré.');
  }
}

const AnyResult = z.union([
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

/** Builds a typed client; answers are checked against the contract's output schema. */
export function createKioskClient(send: (method: KioskMethod, input: unknown) => Promise<unknown>): KioskApi {
  const client: Partial<Record<KioskMethod, (input: unknown) => Promise<Result<unknown>>>> = {};
  for (const method of kioskMethods) {
    client[method] = async (input: unknown): Promise<Result<unknown>> => {
      let raw: unknown;
      try {
        raw = await send(method, input);
      } catch {
        return err('server_unreachable', 'Le kiosque ne répond pas. Réessayez dans un instant.');
      }
      const result = AnyResult.safeParse(raw);
      if (!result.success) return err('internal', 'Réponse inattendue du kiosque.');
      if (!result.data.ok) return raw as Result<unknown>;
      const value = kioskContract[method].output.safeParse(result.data.value);
      return value.success
        ? { ok: true, value: value.data }
        : err('internal', 'Réponse inattendue du kiosque.');
    };
  }
  return client as KioskApi;
}
