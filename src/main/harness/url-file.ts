/**
 * The harness's address with its secret, handed to a launcher through a file rather than stdout or a
 * command line (both are seen by others: stdout goes to the journal, and every user can read
 * /proc/<pid>/cmdline). The file is created 0600 beside its final name and renamed into place, so a
 * reader never sees it half written and no other account can ever open it.
 */
import { chmodSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

export function writeUrlFile(file: string, url: string): string {
  const target = resolve(file);
  const partial = `${dirname(target)}/.${process.pid}.url-partial`;
  rmSync(partial, { force: true });
  writeFileSync(partial, `${url}\n`, { mode: 0o600, flag: 'wx' });
  chmodSync(partial, 0o600); // whatever umask or default ACL the folder has
  renameSync(partial, target);
  return target;
}
