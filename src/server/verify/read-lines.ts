/**
 * Reading the bundle file as lines of raw bytes, large files included, with the bytes read reported.
 */
import { createReadStream } from 'node:fs';

/** Reads a file line by line as raw bytes (lines split on 0x0A), reporting bytes read. */
export async function* readLines(
  path: string,
  onBytes: (n: number) => void,
): AsyncGenerator<{ text: string; number: number }> {
  let pending: Buffer[] = [];
  let number = 0;
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) {
    const buffer = chunk as Buffer;
    onBytes(buffer.length);
    let start = 0;
    for (let i = buffer.indexOf(10); i !== -1; i = buffer.indexOf(10, start)) {
      const piece = buffer.subarray(start, i);
      const line = pending.length > 0 ? Buffer.concat([...pending, piece]) : piece;
      pending = [];
      start = i + 1;
      number += 1;
      const text = line.toString('utf8').replace(/\r$/, '');
      if (text.length > 0) yield { text, number };
    }
    if (start < buffer.length) pending.push(buffer.subarray(start));
  }
  if (pending.length > 0) {
    number += 1;
    const text = Buffer.concat(pending).toString('utf8').replace(/\r$/, '');
    if (text.length > 0) yield { text, number };
  }
}
