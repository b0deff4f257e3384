/**
 * The kiosk window's Content-Security-Policy, written once for both transports: the Electron shell sends
 * it as a response header on every page it serves, and the browser harness sends the same header, so the
 * renderer is tested under exactly the policy it ships with. Pure string: no I/O.
 */

export interface CspOptions {
  /**
   * electron-vite's dev server only: React Fast Refresh injects an inline preamble and Vite's HMR speaks
   * WebSocket to the dev origin. Never set for a build that voters use.
   */
  devServerOrigin?: string;
}

export function contentSecurityPolicy(options: CspOptions = {}): string {
  const dev = options.devServerOrigin;
  const wsDev = dev ? dev.replace(/^http/, 'ws') : null;
  const directives: [string, string[]][] = [
    ['default-src', ["'self'"]],
    ['script-src', dev ? ["'self'", "'unsafe-inline'"] : ["'self'"]],
    // React sets `style` through the CSSOM, which CSP does not govern: no 'unsafe-inline' in a build.
    // Vite's dev server injects CSS as <style> elements, hence the exception there only.
    ['style-src', dev ? ["'self'", "'unsafe-inline'"] : ["'self'"]],
    // Project images may come as data: URLs inside the signed election package.
    ['img-src', ["'self'", 'data:']],
    ['font-src', ["'self'"]],
    ['connect-src', wsDev ? ["'self'", wsDev] : ["'self'"]],
    ['object-src', ["'none'"]],
    ['base-uri', ["'none'"]],
    ['frame-ancestors', ["'none'"]],
    // The screens never submit a form to a server: a forgotten preventDefault must not navigate away.
    ['form-action', ["'none'"]],
  ];
  return directives.map(([name, sources]) => `${name} ${sources.join(' ')}`).join('; ');
}
