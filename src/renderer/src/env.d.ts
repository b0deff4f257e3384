/// <reference types="vite/client" />
import type { KioskApi } from '../../shared/api';

declare global {
  interface Window {
    /** Given by the Electron preload; absent in the browser harness. */
    kiosk?: KioskApi;
  }
}
