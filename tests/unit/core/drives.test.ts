/**
 * Removable drives: sticks found under ISOLOIR_MEDIA_ROOTS (real folders), the Linux mount table read
 * as /proc/mounts writes it, Windows drive letters without the system drive, and a drive id that is not
 * in the current list refused.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  linuxStickMounts,
  listRemovableDrives,
  resolveDrive,
  systemDriveSearch,
  type DriveSearch,
} from '../../../src/main/core/drives';
import { tempDir } from './fixtures';

const tmp = tempDir('isoloir-drives-');
afterAll(() => tmp.remove());

const search = (overrides: Partial<DriveSearch>): DriveSearch => ({
  ...systemDriveSearch({}),
  ...overrides,
});

describe('drives from ISOLOIR_MEDIA_ROOTS', () => {
  const userA = tmp.path('media-a');
  const userB = tmp.path('media-b');
  mkdirSync(join(userA, 'KINGSTON'), { recursive: true });
  mkdirSync(join(userA, '.hidden'), { recursive: true });
  mkdirSync(join(userB, 'CLE USB'), { recursive: true });
  writeFileSync(join(userA, 'not-a-drive.txt'), 'x');

  it('lists the sub-folders of each root, sorted by name, with their free space', () => {
    const drives = listRemovableDrives(
      systemDriveSearch({ ISOLOIR_MEDIA_ROOTS: `${userA}:${userB}:/nowhere` }),
    );
    expect(drives.map((d) => [d.label, d.id])).toEqual([
      ['CLE USB', join(userB, 'CLE USB')],
      ['KINGSTON', join(userA, 'KINGSTON')],
    ]);
    for (const drive of drives) expect(drive.freeBytes).toBeGreaterThan(0);
  });

  it('resolves a listed drive and refuses any other folder', () => {
    const env = systemDriveSearch({ ISOLOIR_MEDIA_ROOTS: userA });
    const found = resolveDrive(join(userA, 'KINGSTON'), env);
    expect(found).toEqual({ ok: true, value: join(userA, 'KINGSTON') });
    for (const other of [userA, join(userB, 'CLE USB'), tmp.dir, '/tmp', join(userA, '.hidden')]) {
      const refused = resolveDrive(other, env);
      expect(refused.ok).toBe(false);
      if (!refused.ok) expect(refused.error.code).toBe('drive_not_found');
    }
  });
});

describe('Linux mount table', () => {
  const table = [
    'sysfs /sys sysfs rw,nosuid 0 0',
    '/dev/sda1 / ext4 rw,relatime 0 0',
    '/dev/sdb1 /media/camille/KINGSTON vfat rw,nosuid,nodev,uid=1000 0 0',
    '/dev/sdc1 /run/media/dom/CLE\\040BLEUE exfat rw,nosuid 0 0',
    '/dev/sdd1 /media/camille/Photos ntfs3 rw 0 0',
    '/dev/sde1 /mnt/backup vfat rw 0 0',
    'tmpfs /media/camille/ram tmpfs rw 0 0',
    '/dev/sdf1 /media ext4 rw 0 0',
    '',
  ].join('\n');

  it('keeps stick file systems under /media and /run/media, with escaped spaces decoded', () => {
    expect(linuxStickMounts(table).sort()).toEqual([
      '/media/camille/KINGSTON',
      '/media/camille/Photos',
      '/run/media/dom/CLE BLEUE',
    ]);
  });

  it('offers only mounts whose folder is there', () => {
    const drives = listRemovableDrives(
      search({
        platform: 'linux',
        mediaRoots: undefined,
        readMounts: () => table,
        isDirectory: (folder) => folder !== '/media/camille/Photos',
        freeBytes: () => 1000,
      }),
    );
    expect(drives).toEqual([
      { id: '/run/media/dom/CLE BLEUE', label: 'CLE BLEUE', freeBytes: 1000 },
      { id: '/media/camille/KINGSTON', label: 'KINGSTON', freeBytes: 1000 },
    ]);
  });
});

describe('Windows drive letters', () => {
  it('offers the present letters from D: on, never the system drive', () => {
    const present = new Set(['C:\\', 'D:\\', 'E:\\', 'F:\\']);
    const drives = listRemovableDrives(
      search({
        platform: 'win32',
        mediaRoots: undefined,
        systemDrive: 'E:',
        isDirectory: (folder) => present.has(folder),
        freeBytes: () => null,
      }),
    );
    expect(drives).toEqual([
      { id: 'D:\\', label: 'D:', freeBytes: null },
      { id: 'F:\\', label: 'F:', freeBytes: null },
    ]);
  });
});
