/**
 * The drive picker's methods on a real kiosk: the sticks found under ISOLOIR_MEDIA_ROOTS, an export into
 * the picked stick's isoloir/ folder answering ejectSafe, and a drive that is not in the list refused
 * before anything is written.
 */
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { openTestKiosk, tempDir, unwrap, type TestKiosk } from './fixtures';

const tmp = tempDir('isoloir-usb-');
afterAll(() => tmp.remove());

let k: TestKiosk;
const media = tmp.path('media/camille');
const stick = join(media, 'KINGSTON');
let n = 0;
beforeEach(async () => {
  mkdirSync(stick, { recursive: true });
  vi.stubEnv('ISOLOIR_MEDIA_ROOTS', media);
  k = await openTestKiosk(tmp.dir, { dbName: `usb-${++n}.sqlite` });
});
afterEach(() => {
  k.close();
  vi.unstubAllEnvs();
});

describe('USB export to a picked drive', () => {
  it('lists the sticks under ISOLOIR_MEDIA_ROOTS', async () => {
    const drives = await unwrap(k.kiosk.handlers.listDrives({}));
    expect(drives.map((d) => [d.id, d.label])).toEqual([[stick, 'KINGSTON']]);
  });

  it('exports into the stick’s isoloir/ folder and says when it may be removed', async () => {
    const result = await unwrap(k.kiosk.handlers.exportUsb({ driveId: stick, all: false }));
    expect(result).toMatchObject({ folder: join(stick, 'isoloir'), ejectSafe: true, skipped: 0 });
    expect(existsSync(join(stick, 'isoloir'))).toBe(true);
    expect(readdirSync(join(stick, 'isoloir'))).toHaveLength(result.written);
  });

  it('refuses a drive that is not in the list, and writes nothing', async () => {
    const elsewhere = tmp.path('elsewhere');
    mkdirSync(elsewhere, { recursive: true });
    for (const driveId of [elsewhere, media, join(media, 'GONE')]) {
      const refused = await k.kiosk.handlers.exportUsb({ driveId, all: true });
      expect(refused.ok).toBe(false);
      if (!refused.ok) expect(refused.error.code).toBe('drive_not_found');
    }
    expect(existsSync(join(elsewhere, 'isoloir'))).toBe(false);
  });
});
