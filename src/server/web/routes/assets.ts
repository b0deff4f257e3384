/**
 * The web pages' static files: the one style sheet and the self-hosted fonts, with their cache headers.
 */
import type { FastifyInstance } from 'fastify';
import { FONT_PREFIX, STYLESHEET, STYLESHEET_PATH, isFontFile, readFont } from '../assets';
import { PageError } from '../page-error';

export function assetRoutes(scope: FastifyInstance): void {
  scope.get(STYLESHEET_PATH, async (_request, reply) =>
    reply.type('text/css; charset=utf-8').header('cache-control', 'public, max-age=3600').send(STYLESHEET),
  );

  scope.get<{ Params: { file: string } }>(`${FONT_PREFIX}:file`, async (request, reply) => {
    const { file } = request.params;
    if (!isFontFile(file)) throw new PageError(404, 'Page introuvable', 'Ce fichier n’existe pas.');
    return reply
      .type('font/woff2')
      .header('cache-control', 'public, max-age=31536000, immutable')
      .send(readFont(file));
  });
}
