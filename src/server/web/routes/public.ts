/**
 * The public pages: the results (`/`) and the receipt check (`/recu`), in French or English.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { parseLang } from '../i18n';
import { HTML } from '../page-error';
import { receiptDisplay, receiptLookupKey, receiptPage } from '../pages/receipt';
import { resultsPage } from '../pages/results';
import type { WebDeps } from '../ports';

const ReceiptQuery = z.object({ code: z.string().max(200).optional(), lang: z.string().max(10).optional() });
const LangQuery = z.object({ lang: z.string().max(10).optional() });

/** `threshold`: below this many ballots a kiosk's subtotal is hidden (the results page says so). */
export function publicRoutes(scope: FastifyInstance, deps: WebDeps, threshold: number): void {
  scope.get('/', async (request, reply) => {
    const query = LangQuery.safeParse(request.query);
    const lang = parseLang(query.success ? query.data.lang : undefined);
    const [election, results, publication] = await Promise.all([
      deps.election(),
      deps.results(),
      deps.publication(),
    ]);
    return reply
      .type(HTML)
      .header('cache-control', 'no-cache')
      .send(resultsPage(election, results, publication, new Date(), threshold, lang));
  });

  // The receipt code is in the query string: this route must not write its URL in the request log.
  scope.get('/recu', { logLevel: 'warn' }, async (request, reply) => {
    const query = ReceiptQuery.safeParse(request.query);
    const typed = query.success ? (query.data.code ?? '').trim() : '';
    const lang = parseLang(query.success ? query.data.lang : undefined);
    reply.type(HTML).header('cache-control', 'no-store').header('referrer-policy', 'no-referrer');
    if (typed === '') return reply.send(receiptPage({ kind: 'form' }, lang));
    const key = receiptLookupKey(typed);
    if (key === null)
      return reply.code(400).send(receiptPage({ kind: 'invalid', typed: typed.slice(0, 64) }, lang));
    const found = await deps.findReceipt(key);
    const typedCode = receiptDisplay(key);
    return reply.send(
      receiptPage(
        found ? { kind: 'counted', typed: typedCode, ...found } : { kind: 'not_yet', typed: typedCode },
        lang,
      ),
    );
  });
}
