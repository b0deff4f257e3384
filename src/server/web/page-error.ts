/**
 * What the web routes share with the pages' error handler: the HTML content type, and `PageError`, an
 * HTTP error a route throws and the handler renders as a French HTML page.
 */
export const HTML = 'text/html; charset=utf-8';

export class PageError extends Error {
  constructor(
    readonly statusCode: number,
    readonly title: string,
    message: string,
  ) {
    super(message);
  }
}
