/** A v2 election package for the server tests of enrolment, resets, status and reports. */
import type { ElectionPackage } from '../../../src/shared/wire';
import { makePackage } from './helpers';

/** The helpers' package, brought to the v2 contract (batch size K and the token KDF). */
export function packageV2(): ElectionPackage {
  return {
    ...makePackage(),
    v: 2,
    batchSize: 10,
    tokenKdf: { salt: 'c2FsdC1vZi10aGUtdGVzdHM', logN: 10, r: 8, p: 1 },
  } as ElectionPackage;
}
