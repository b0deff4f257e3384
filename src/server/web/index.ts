/**
 * The central server's web pages as one Fastify plugin: public results (`/`), receipt check (`/recu`)
 * and the admin dashboard (`/admin/…`). The server core registers it beside the API (`/api/v1/…`) and
 * hands it a `WebDeps` over its store; the pages own no data.
 */
import type { FastifyInstance } from 'fastify';
import type { WebDeps } from './deps';
import { html } from './html';

export type { WebDeps } from './deps';

export async function webPlugin(app: FastifyInstance, deps: WebDeps): Promise<void> {
  app.get('/', async (_request, reply) => {
    const election = await deps.election();
    const page = html`<!doctype html>
      <html lang="fr">
        <head>
          <meta charset="utf-8" />
          <title>Résultats</title>
        </head>
        <body>
          <main><h1>${election?.title ?? 'Aucune élection publiée'}</h1></main>
        </body>
      </html>`;
    return reply.type('text/html; charset=utf-8').send(page.value);
  });
}
