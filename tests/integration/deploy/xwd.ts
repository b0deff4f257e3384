/**
 * Reads the screen of an Xvfb server started with `-fbdir` (its framebuffer is a file in X Window Dump
 * format, kept up to date by the server) and writes it as a PNG: what is really on screen, without a
 * screenshot tool. Only the format Xvfb writes at depth 24 is handled (32 bits per pixel, TrueColor).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { crc32, deflateSync } from 'node:zlib';

export interface Screen {
  width: number;
  height: number;
  /** RGB, 3 bytes per pixel, row after row. */
  rgb: Buffer;
}

export function readXvfbScreen(file: string): Screen {
  const data = readFileSync(file);
  const field = (i: number): number => data.readUInt32BE(i * 4);
  const headerSize = field(0);
  const [width, height, byteOrder, bitsPerPixel, bytesPerLine] = [
    field(4),
    field(5),
    field(7),
    field(11),
    field(12),
  ];
  const [redMask, greenMask, blueMask, ncolors] = [field(14), field(15), field(16), field(19)];
  if (bitsPerPixel !== 32) throw new Error(`xwd: ${bitsPerPixel} bits per pixel not handled`);
  const shift = (mask: number): number => Math.log2(mask & -mask);
  const offset = headerSize + ncolors * 12;
  const rgb = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const at = offset + y * bytesPerLine + x * 4;
      const pixel = byteOrder === 0 ? data.readUInt32LE(at) : data.readUInt32BE(at);
      const o = (y * width + x) * 3;
      rgb[o] = (pixel & redMask) >>> shift(redMask);
      rgb[o + 1] = (pixel & greenMask) >>> shift(greenMask);
      rgb[o + 2] = (pixel & blueMask) >>> shift(blueMask);
    }
  }
  return { width, height, rgb };
}

/** How many distinct colours, and the share of pixels that are not black. */
export function screenStats(screen: Screen): { colours: number; litShare: number } {
  const colours = new Set<number>();
  let lit = 0;
  const pixels = screen.width * screen.height;
  for (let i = 0; i < pixels; i++) {
    const [r, g, b] = [screen.rgb[i * 3] ?? 0, screen.rgb[i * 3 + 1] ?? 0, screen.rgb[i * 3 + 2] ?? 0];
    colours.add((r << 16) | (g << 8) | b);
    if (r + g + b > 30) lit++;
  }
  return { colours: colours.size, litShare: lit / pixels };
}

function chunk(type: string, body: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(body.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), body])) >>> 0, 0);
  return Buffer.concat([head, body, crc]);
}

export function writePng(file: string, screen: Screen): void {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(screen.width, 0);
  ihdr.writeUInt32BE(screen.height, 4);
  ihdr.set([8, 2, 0, 0, 0], 8); // 8 bits, RGB, deflate, no filter method, no interlace
  const rowBytes = screen.width * 3;
  const raw = Buffer.alloc((rowBytes + 1) * screen.height);
  for (let y = 0; y < screen.height; y++)
    screen.rgb.copy(raw, y * (rowBytes + 1) + 1, y * rowBytes, (y + 1) * rowBytes);
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  writeFileSync(
    file,
    Buffer.concat([
      signature,
      chunk('IHDR', ihdr),
      chunk('IDAT', deflateSync(raw)),
      chunk('IEND', Buffer.alloc(0)),
    ]),
  );
}
