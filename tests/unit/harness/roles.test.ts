/**
 * The mediator role over the browser harness's HTTP transport: with the real kiosk core behind it, once a
 * mediator PIN is set and the session locked, a mediator method is refused `unauthorized` even with the
 * harness secret, and changes nothing; unlocked, it runs.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HARNESS_TOKEN_HEADER, httpPath, type KioskMethod } from '../../../src/shared/api';
import { startHarness, type Harness } from '../../../src/main/harness/server';
import { openTestKiosk, TEST_MEDIATOR, tempDir, unwrap, type TestKiosk } from '../core/fixtures';
import { call } from './http';

const temp = tempDir('isoloir-harness-roles-');
let kiosk: TestKiosk;
let harness: Harness;

beforeAll(async () => {
  kiosk = await openTestKiosk(temp.dir);
  harness = await startHarness({ kiosk: kiosk.kiosk, rendererDir: null });
});
afterAll(async () => {
  await harness.close();
  kiosk.close();
  temp.remove();
});

const api = (method: KioskMethod, input: unknown) =>
  call(harness.origin, httpPath(method), input, { [HARNESS_TOKEN_HEADER]: harness.token });

describe('harness HTTP and the mediator role', () => {
  it('refuses a mediator method without an unlocked session, and runs it with one', async () => {
    await unwrap(kiosk.kiosk.handlers.lockMediator({}));
    const refused = await api('setTraining', { training: true });
    expect(refused.json()).toEqual({
      ok: false,
      error: { code: 'unauthorized', message: 'Espace réservé au médiateur : saisissez le code.' },
    });
    expect((await api('closeDay', {})).json()).toMatchObject({ ok: false, error: { code: 'unauthorized' } });
    expect((await unwrap(kiosk.kiosk.handlers.getStatus({}))).training).toBe(false);
    expect((await api('getStatus', {})).json()).toMatchObject({ ok: true });
    expect(
      (await api('unlockMediator', { accountId: kiosk.mediatorId, pin: TEST_MEDIATOR.pin })).json(),
    ).toMatchObject({ ok: true });
    expect((await api('setTraining', { training: true })).json()).toMatchObject({
      ok: true,
      value: { training: true },
    });
  });
});
