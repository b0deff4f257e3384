/**
 * Removable drives (USB sticks) the mediator can pick for an export, an offline enrolment or a reset,
 * so nobody types a mount path. Where they are looked for:
 * - Linux: the mount table (/proc/mounts), keeping file systems a stick carries (vfat, exfat, ntfs, ext*)
 *   mounted under /media/<user>/… or /run/media/<user>/… (where udisks and desktop auto-mounters put
 *   them; a stick mounted elsewhere by hand is not offered);
 * - Windows: the drive letters D: to Z: that exist, except the system drive. Telling a USB stick from a
 *   second internal disk or a network share needs a native call (GetDriveTypeW), which Node does not
 *   expose; every other present letter is offered instead, and the mediator picks by its name and size;
 * - tests and the browser harness: `ISOLOIR_MEDIA_ROOTS`, a colon-separated list of folders whose
 *   sub-folders stand for mounted sticks (as /media/<user> holds them). When set, it replaces the above.
 * A drive's id is its mount folder; a method given a drive id accepts it only if the drive is found
 * again now (`resolveDrive`), so no caller can write to an arbitrary path.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { RemovableDrive } from '../../shared/api';
import { err, ok, type Result } from '../../shared/result';

export const MEDIA_ROOTS_ENV = 'ISOLOIR_MEDIA_ROOTS';

/** File systems a USB stick is formatted with (ntfs-3g mounts appear as fuseblk). */
const STICK_FILE_SYSTEMS = new Set([
  'vfat',
  'msdos',
  'exfat',
  'ntfs',
  'ntfs3',
  'fuseblk',
  'ext2',
  'ext3',
  'ext4',
]);
const LINUX_MEDIA_ROOTS = ['/media/', '/run/media/'];

export interface DriveSearch {
  platform: NodeJS.Platform;
  /** The value of ISOLOIR_MEDIA_ROOTS, if any. */
  mediaRoots: string | undefined;
  /** The Linux mount table's text. */
  readMounts: () => string;
  /** The Windows system drive (e.g. "C:"), never offered. */
  systemDrive: string;
  /** Free bytes on the file system holding `folder`, or null when unknown. */
  freeBytes: (folder: string) => number | null;
  /** True when `folder` exists and is a directory. */
  isDirectory: (folder: string) => boolean;
}

function freeBytesOf(folder: string): number | null {
  try {
    const stats = fs.statfsSync(folder);
    return Number(stats.bavail) * Number(stats.bsize);
  } catch {
    return null;
  }
}

function isDirectory(folder: string): boolean {
  try {
    return fs.statSync(folder).isDirectory();
  } catch {
    return false;
  }
}

/** What this process sees: its platform, environment, mount table and disks. */
export function systemDriveSearch(env: NodeJS.ProcessEnv = process.env): DriveSearch {
  return {
    platform: process.platform,
    mediaRoots: env[MEDIA_ROOTS_ENV],
    readMounts: () => fs.readFileSync('/proc/mounts', 'utf8'),
    systemDrive: (env.SystemDrive ?? 'C:').toUpperCase(),
    freeBytes: freeBytesOf,
    isDirectory,
  };
}

/** /proc/mounts writes a space, tab, newline or backslash in a path as an octal escape (\040…). */
const unescapeMountPath = (text: string): string =>
  text.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(parseInt(octal, 8)));

/** Mount points of stick file systems under /media or /run/media, from the mount table's text. */
export function linuxStickMounts(mountTable: string): string[] {
  const found = new Set<string>();
  for (const line of mountTable.split('\n')) {
    const [, mountPoint, fsType] = line.split(' ');
    if (!mountPoint || !fsType || !STICK_FILE_SYSTEMS.has(fsType)) continue;
    const folder = unescapeMountPath(mountPoint);
    if (LINUX_MEDIA_ROOTS.some((root) => folder.startsWith(root) && folder.length > root.length))
      found.add(folder);
  }
  return [...found];
}

function foldersUnder(roots: string, search: DriveSearch): string[] {
  const folders: string[] = [];
  for (const root of roots.split(':').filter((r) => r.length > 0)) {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(root, { withFileTypes: true });
    } catch {
      continue;
    }
    for (const entry of entries)
      if (entry.isDirectory() && !entry.name.startsWith('.')) {
        const folder = path.join(root, entry.name);
        if (search.isDirectory(folder)) folders.push(folder);
      }
  }
  return folders;
}

function windowsDriveLetters(search: DriveSearch): string[] {
  const letters: string[] = [];
  for (let code = 'D'.charCodeAt(0); code <= 'Z'.charCodeAt(0); code++) {
    const letter = `${String.fromCharCode(code)}:`;
    if (letter === search.systemDrive) continue;
    if (search.isDirectory(`${letter}\\`)) letters.push(`${letter}\\`);
  }
  return letters;
}

const labelOf = (folder: string, platform: NodeJS.Platform): string =>
  platform === 'win32' ? folder.replace(/\\$/, '') : path.basename(folder) || folder;

function readMountTable(search: DriveSearch): string {
  try {
    return search.readMounts();
  } catch {
    return '';
  }
}

/** The removable drives present now, sorted by name. */
export function listRemovableDrives(search: DriveSearch = systemDriveSearch()): RemovableDrive[] {
  let folders: string[];
  if (search.mediaRoots !== undefined && search.mediaRoots !== '')
    folders = foldersUnder(search.mediaRoots, search);
  else if (search.platform === 'win32') folders = windowsDriveLetters(search);
  else if (search.platform === 'linux') {
    folders = linuxStickMounts(readMountTable(search)).filter((folder) => search.isDirectory(folder));
  } else folders = [];
  return folders
    .map((folder) => ({
      id: folder,
      label: labelOf(folder, search.platform),
      freeBytes: search.freeBytes(folder),
    }))
    .sort((a, b) => a.label.localeCompare(b.label, 'fr') || a.id.localeCompare(b.id));
}

/** The folder of a drive picked from the list: refused unless that drive is found again now. */
export function resolveDrive(driveId: string, search: DriveSearch = systemDriveSearch()): Result<string> {
  const drive = listRemovableDrives(search).find((d) => d.id === driveId);
  if (!drive)
    return err(
      'drive_not_found',
      'Cette clé USB n’est plus détectée. Vérifiez qu’elle est bien branchée, puis choisissez-la à nouveau.',
    );
  return ok(drive.id);
}
