/**
 * Electron entry point (out/main/index.js). Thin on purpose: the shell lives in ./electron, every rule of
 * the vote in ./core.
 */
import { runShell } from './electron/app';

runShell(import.meta.url);
