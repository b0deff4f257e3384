/**
 * The adapter from the server core to the web pages' `WebTrust` port (src/server/web/ports.ts): kiosk
 * statuses and their CSV, mediator resets and offline enrolment answers, each act handing back the file
 * the central team downloads.
 */
import { err, ok } from '../shared/result';
import type { AppContext, AppOptions } from './app-context';
import { answerUsbEnrolment } from './enrol-usb';
import { DEFAULT_SILENT_AFTER_MINUTES, kioskStatusCsv, kioskStatusRows } from './kiosk-status';
import { createMediatorReset, mediatorResetFileName } from './mediator-reset';
import { publishPackage } from './publish';
import type { WebTrust } from './web/ports';

export function buildWebTrust(
  ctx: AppContext,
  options: AppOptions,
  now: () => Date,
  onPublished: () => void = () => {},
): WebTrust {
  const { store, authority } = ctx;
  const silentAfterMinutes = options.silentAfterMinutes ?? DEFAULT_SILENT_AFTER_MINUTES;
  return {
    silentAfterMinutes,
    kioskStatuses: () => kioskStatusRows(store, now(), silentAfterMinutes),
    kioskStatusCsv: () => kioskStatusCsv(kioskStatusRows(store, now(), silentAfterMinutes)),
    createMediatorReset(kioskId, expiresInHours) {
      const reset = createMediatorReset(store, authority, kioskId, expiresInHours, now());
      if (!reset.ok) return err(reset.error.code, reset.error.message);
      return ok({
        fileName: mediatorResetFileName(reset.value.kioskId),
        contentType: 'application/json; charset=utf-8',
        body: `${JSON.stringify(reset.value.document)}\n`,
      });
    },
    answerUsbEnrolment(request) {
      const answer = answerUsbEnrolment(store, authority, request, now());
      if (!answer.ok) return answer;
      return ok({
        kioskId: answer.value.kioskId,
        fileName: answer.value.fileName,
        contentType: 'application/json; charset=utf-8',
        body: `${JSON.stringify(answer.value.document)}\n`,
      });
    },
    publishPackage(json) {
      let value: unknown;
      try {
        value = JSON.parse(json) as unknown;
      } catch {
        return err(
          'malformed',
          'Ce texte n’est pas du JSON : collez le fichier écrit par « election build ».',
        );
      }
      const published = publishPackage(store, authority, value, now());
      if (!published.ok) return published;
      onPublished();
      return ok({ electionId: published.value.electionId, outcome: published.value.outcome });
    },
  };
}
