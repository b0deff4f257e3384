// Lets plain Node run the BUILT Electron main (out/main/index.js): `electron` resolves to ./electron.mjs.
import { register } from 'node:module';

register(new URL('./hooks.mjs', import.meta.url));
