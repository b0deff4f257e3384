/**
 * What the Electron shell itself offers the screens, beside the kiosk API: saving the page shown as a PDF
 * and printing it on the kiosk's printer without a dialog. The kiosk core never prints, so these methods
 * are not in `kioskContract`; the browser harness has no such bridge and the screens fall back on the
 * browser's own print. Input and output schemas, channel names and the `window.kioskShell` type are
 * written here once, for main, the preload and the renderer.
 */
import { z } from 'zod';
import { checkedCall } from './dispatch';
import { err, type Result } from './result';

/**
 * A PDF's name in the kiosk's reports folder: a plain basename ending in `.pdf`, never a path (no `/`,
 * `\`, `:`, `..` or leading dot) nor a name Windows keeps for a device (`CON.pdf`, `LPT1.pdf`), so the
 * renderer chooses a name and never a place.
 */
export const PdfFileName = z
  .string()
  .max(120)
  .regex(/^[A-Za-z0-9][A-Za-z0-9_-]*(?:\.[A-Za-z0-9_-]+)*\.pdf$/)
  .refine((name) => !/^(?:con|prn|aux|nul|com[0-9]|lpt[0-9])(?:\.|$)/i.test(name));

/** What the page prints: the print CSS keeps only that part of it. */
export const PrintKind = z.enum(['receipt', 'report']);
export type PrintKind = z.infer<typeof PrintKind>;

const method = <I extends z.ZodType, O extends z.ZodType>(input: I, output: O) => ({ input, output });

export const shellContract = {
  /** Saves the page as an A4 PDF in the kiosk's reports folder; answers where. */
  savePdf: method(z.strictObject({ fileName: PdfFileName }), z.object({ path: z.string() })),
  /** Prints the page on the configured printer, with no dialog; `no_printer` when none is. */
  printSilently: method(z.strictObject({ kind: PrintKind }), z.object({ printer: z.string() })),
} as const;

export type ShellContract = typeof shellContract;
export type ShellMethod = keyof ShellContract;
export const shellMethods = Object.keys(shellContract) as ShellMethod[];
export const shellChannel = (m: ShellMethod): string => `isoloir-shell:${m}`;

export type ShellInput<M extends ShellMethod> = z.input<ShellContract[M]['input']>;
export type ShellOutput<M extends ShellMethod> = z.output<ShellContract[M]['output']>;
/** An input once parsed, as main's handlers receive it. */
export type ShellParsedInput<M extends ShellMethod> = z.output<ShellContract[M]['input']>;

/** What `window.kioskShell` is (Electron only). */
export type KioskShell = {
  [M in ShellMethod]: (input: ShellInput<M>) => Promise<Result<ShellOutput<M>>>;
};

/** Builds the typed bridge over any "send this method and input" function; answers are checked here. */
export function createShellClient(
  send: (method: ShellMethod, input: unknown) => Promise<unknown>,
): KioskShell {
  const unreachable = err('internal', 'Le kiosque ne répond pas. Réessayez dans un instant.');
  const client: Partial<Record<ShellMethod, (input: unknown) => Promise<Result<unknown>>>> = {};
  for (const method of shellMethods)
    client[method] = checkedCall((input) => send(method, input), shellContract[method].output, unreachable);
  return client as KioskShell;
}
