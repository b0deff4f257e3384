/**
 * The supervision routes behind the admin session: the kiosks' status page and its CSV, the one-time
 * mediator reset (a signed file to download, also served to the kiosk online once) and the offline
 * enrolment answer. Every form carries the session's CSRF token.
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import { err } from '../../../shared/result';
import { HTML } from '../page-error';
import { electionPage } from '../pages/admin/election';
import { supervisionPage } from '../pages/admin/supervision';
import type { WebElection, WebExport, WebTrust } from '../ports';
import type { AdminSessions } from '../sessions';
import { adminSessionHelpers } from './admin-session';

/** A package with its images inline may weigh a few megabytes. */
const PACKAGE_LIMIT = 32 * 1024 * 1024;

const ResetBody = z.object({ csrf: z.string().max(100), kioskId: z.string().max(64) });
const UsbBody = z.object({ csrf: z.string().max(100), request: z.string().max(64_000) });

const PublishBody = z.object({ csrf: z.string().max(100), package: z.string().max(PACKAGE_LIMIT) });

const RESET_HOURS = 48;

/** The answer to a form that does not parse, shown on the page like a refusal. */
const malformed = err('malformed', 'Demande mal formée.');

const attachment = (file: WebExport): string =>
  `attachment; filename="${file.fileName.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 120)}"`;

/** A signed file for the person to carry: downloaded, never kept in a cache. */
const sendFile = (reply: FastifyReply, file: WebExport): FastifyReply =>
  reply
    .type(file.contentType)
    .header('content-disposition', attachment(file))
    .header('cache-control', 'no-store')
    .send(file.body);

export function trustRoutes(
  scope: FastifyInstance,
  trust: WebTrust,
  election: () => Promise<WebElection | null> | WebElection | null,
  sessions: AdminSessions,
  loginAttempts: number,
): void {
  const { requireSession, checkCsrf } = adminSessionHelpers(sessions, loginAttempts);

  const showPage = async (csrf: string, message: string | null) =>
    supervisionPage(
      csrf,
      await trust.kioskStatuses(),
      trust.silentAfterMinutes,
      message === null ? null : { kind: 'error', message },
    );

  /** A refused act shows the supervision page again, with the reason. */
  const refuse = async (reply: FastifyReply, csrf: string, message: string) =>
    reply
      .code(422)
      .type(HTML)
      .send(await showPage(csrf, message));

  scope.get('/admin/supervision', async (request, reply) => {
    const session = requireSession(request, reply);
    if (!session) return reply;
    return reply.type(HTML).send(await showPage(session.csrf, null));
  });

  scope.get('/admin/kiosks.csv', async (request, reply) => {
    const session = requireSession(request, reply);
    if (!session) return reply;
    return reply
      .type('text/csv; charset=utf-8')
      .header('content-disposition', 'attachment; filename="isoloir-bornes.csv"')
      .header('cache-control', 'no-store')
      .send(await trust.kioskStatusCsv());
  });

  scope.post('/admin/bornes/reinitialiser-mediateurs', async (request, reply) => {
    const session = requireSession(request, reply);
    if (!session) return reply;
    checkCsrf(session, request.body);
    const body = ResetBody.safeParse(request.body);
    const reset = body.success ? await trust.createMediatorReset(body.data.kioskId, RESET_HOURS) : malformed;
    if (!reset.ok) return refuse(reply, session.csrf, reset.error.message);
    request.log.info({ kioskId: body.data?.kioskId }, 'mediator reset created');
    return sendFile(reply, reset.value);
  });

  scope.post('/admin/inscription-usb', async (request, reply) => {
    const session = requireSession(request, reply);
    if (!session) return reply;
    checkCsrf(session, request.body);
    const body = UsbBody.safeParse(request.body);
    const answer = body.success
      ? await trust.answerUsbEnrolment(Buffer.from(body.data.request.trim(), 'utf8'))
      : malformed;
    if (!answer.ok) return refuse(reply, session.csrf, answer.error.message);
    request.log.info({ kioskId: answer.value.kioskId }, 'kiosk enrolled by USB');
    return sendFile(reply, answer.value);
  });

  scope.get('/admin/election', async (request, reply) => {
    const session = requireSession(request, reply);
    if (!session) return reply;
    return reply.type(HTML).send(electionPage(session.csrf, await election(), null));
  });

  scope.post('/admin/election', { bodyLimit: PACKAGE_LIMIT * 2 }, async (request, reply) => {
    const session = requireSession(request, reply);
    if (!session) return reply;
    checkCsrf(session, request.body);
    const body = PublishBody.safeParse(request.body);
    const published = body.success ? await trust.publishPackage(body.data.package) : malformed;
    if (!published.ok)
      return reply
        .code(422)
        .type(HTML)
        .send(
          electionPage(session.csrf, await election(), { kind: 'error', message: published.error.message }),
        );
    request.log.info(
      { electionId: published.value.electionId, outcome: published.value.outcome },
      'election published from the dashboard',
    );
    return reply
      .type(HTML)
      .send(electionPage(session.csrf, await election(), { kind: 'published', ...published.value }));
  });
}
