/// <reference types="vite/client" />
import type { KioskApi } from '../../shared/api';
import type { KioskShell } from '../../shared/shell';

declare global {
  interface Window {
    /** Given by the Electron preload; absent in the browser harness. */
    kiosk?: KioskApi;
    /** The Electron shell's PDF and printer, given by the preload; absent in the browser harness. */
    kioskShell?: KioskShell;
  }
}
