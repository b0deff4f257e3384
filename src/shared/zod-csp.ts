/**
 * Zod without its JIT wherever a page runs it (renderer, preload). Zod compiles fast object parsers with
 * `new Function`, probing for it when an object schema is built; under our CSP (no 'unsafe-eval',
 * src/shared/csp.ts) the probe is refused and reported as a CSP violation even though zod falls back.
 * Imported first by wire.ts, so it runs before any schema exists. Node (core, server) keeps the JIT.
 */
import { z } from 'zod';

if (typeof (globalThis as { document?: unknown }).document !== 'undefined') z.config({ jitless: true });
