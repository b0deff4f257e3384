/**
 * The page's own print objects for lib/printing.ts: the shell's bridge the Electron preload put on
 * `window.kioskShell` (absent in the browser harness), the browser's print dialog, and the root element
 * the print CSS reads `data-printing` from.
 */
import type { PrintDeps } from './lib/printing';

export function browserPrintDeps(): PrintDeps {
  return {
    shell: window.kioskShell,
    print: () => window.print(),
    root: document.documentElement,
    afterPrint: (done) => window.addEventListener('afterprint', done, { once: true }),
  };
}
