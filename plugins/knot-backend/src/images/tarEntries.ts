import { InputError } from '@backstage/errors';

/** One member of a tar archive; its body must be read (or is skipped) before the next. */
export interface TarEntry {
  /** Path without a leading `./` or `/`. */
  name: string;
  size: number;
  type: 'file' | 'directory' | 'symlink' | 'other';
  /** Target of a symbolic link. */
  linkName: string;
  body: AsyncIterable<Buffer>;
}

const BLOCK = 512;

/** Thrown when the archive ends before its end-of-archive blocks. */
export class TruncatedArchiveError extends InputError {
  constructor() {
    super('The archive is truncated: it ends in the middle');
  }
}

/**
 * A count of bytes to read must be a whole number: of 1.5 bytes, the last
 * half would be read forever as empty parts, without any I/O.
 */
function checkCount(n: number) {
  if (!Number.isSafeInteger(n) || n < 0) {
    throw new RangeError(`Cannot read ${n} bytes of a tar archive`);
  }
}

/**
 * Reads exact byte counts from a stream of chunks, holding at most one
 * chunk: the archive flows through with the source's backpressure.
 */
class ByteReader {
  private chunk = Buffer.alloc(0);
  private readonly source: AsyncIterator<Buffer>;

  constructor(source: AsyncIterable<Buffer>) {
    this.source = source[Symbol.asyncIterator]();
  }

  /** The next `n` bytes, or undefined at a clean end before any of them. */
  async read(n: number): Promise<Buffer | undefined> {
    checkCount(n);
    const parts: Buffer[] = [];
    let missing = n;
    while (missing > 0) {
      if (!this.chunk.length && !(await this.fill())) {
        if (missing === n) return undefined;
        throw new TruncatedArchiveError();
      }
      const part = this.chunk.subarray(0, missing);
      this.chunk = this.chunk.subarray(part.length);
      parts.push(part);
      missing -= part.length;
    }
    return parts.length === 1 ? parts[0] : Buffer.concat(parts);
  }

  /** The next `n` bytes as they come; `taken.bytes` counts those read. */
  async *stream(n: number, taken: { bytes: number }): AsyncGenerator<Buffer> {
    checkCount(n);
    while (taken.bytes < n) {
      if (!this.chunk.length && !(await this.fill())) {
        throw new TruncatedArchiveError();
      }
      const part = this.chunk.subarray(0, n - taken.bytes);
      this.chunk = this.chunk.subarray(part.length);
      taken.bytes += part.length;
      yield part;
    }
  }

  /** Drops the next `n` bytes. */
  async skip(n: number): Promise<void> {
    const taken = { bytes: 0 };
    for await (const _ of this.stream(n, taken)) {
      // dropped
    }
  }

  private async fill(): Promise<boolean> {
    const next = await this.source.next();
    if (next.done) return false;
    this.chunk = Buffer.isBuffer(next.value)
      ? next.value
      : Buffer.from(next.value);
    return true;
  }
}

function text(header: Buffer, start: number, length: number): string {
  const field = header.subarray(start, start + length);
  const end = field.indexOf(0);
  return field.subarray(0, end < 0 ? length : end).toString('utf8');
}

function number(header: Buffer, start: number, length: number): number {
  const field = header.subarray(start, start + length);
  // GNU base-256 for sizes beyond 8 GiB.
  if (field[0] & 0x80) {
    let value = field[0] & 0x7f;
    for (let i = 1; i < length; i++) value = value * 256 + field[i];
    return value;
  }
  const digits = text(header, start, length).trim();
  if (!digits) return 0;
  // Not parseInt alone: it reads `-1` and stops silently at `8` or `.`.
  return /^[0-7]+$/.test(digits) ? parseInt(digits, 8) : NaN;
}

/** A pax record's number: decimal digits only, unlike `Number('1e3')`. */
function decimal(value: string): number {
  return /^[0-9]+$/.test(value) ? Number(value) : NaN;
}

/** `size`, unless it is no size (negative, fractional, not a number). */
function checkedSize(size: number, name: string): number {
  if (!Number.isSafeInteger(size) || size < 0) {
    throw new InputError(
      `This is not an image archive: entry ${name} has an invalid size`,
    );
  }
  return size;
}

function checksumOk(header: Buffer): boolean {
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) {
    sum += i >= 148 && i < 156 ? 32 : header[i];
  }
  return sum === number(header, 148, 8);
}

/** Records of a pax extended header (`<length> <key>=<value>\n`). */
function paxRecords(data: Buffer): Record<string, string> {
  const records: Record<string, string> = {};
  let offset = 0;
  while (offset < data.length) {
    const space = data.indexOf(32, offset);
    const length = parseInt(data.subarray(offset, space).toString(), 10);
    if (!(length > 0) || space < 0) break;
    const record = data.subarray(space + 1, offset + length - 1).toString();
    const eq = record.indexOf('=');
    records[record.slice(0, eq)] = record.slice(eq + 1);
    offset += length;
  }
  return records;
}

function clean(name: string): string {
  return name.replace(/^(\.\/|\/)+/, '');
}

/**
 * The entries of a tar archive (ustar, pax, GNU long names), read from a
 * stream. An entry's body not read by the consumer is skipped. Refuses
 * what is not a tar archive and an archive that ends early.
 */
export async function* tarEntries(
  source: AsyncIterable<Buffer>,
): AsyncGenerator<TarEntry> {
  const reader = new ByteReader(source);
  let pax: Record<string, string> = {};
  let longName: string | undefined;
  let longLink: string | undefined;
  let first = true;
  for (;;) {
    const header = await reader.read(BLOCK);
    if (!header) throw new TruncatedArchiveError();
    if (header.every(b => b === 0)) {
      // The end-of-archive marker: what follows is padding.
      return;
    }
    if (!checksumOk(header)) {
      throw new InputError(
        first
          ? 'This is not an image archive: expected a tar file (.tar or .tar.gz)'
          : 'The archive is corrupt: a tar header is damaged',
      );
    }
    first = false;
    const size = number(header, 124, 12);
    const flag = String.fromCharCode(header[156] || 48);
    const padded = Math.ceil(size / BLOCK) * BLOCK;
    if (flag === 'x' || flag === 'g' || flag === 'L' || flag === 'K') {
      if (checkedSize(size, text(header, 0, 100)) > 1024 * 1024) {
        throw new InputError(
          'The archive is corrupt: a tar header is too long',
        );
      }
      const block = await reader.read(padded);
      if (!block) throw new TruncatedArchiveError();
      const data = block.subarray(0, size);
      if (flag === 'x') pax = paxRecords(data);
      if (flag === 'L') longName = text(data, 0, data.length);
      if (flag === 'K') longLink = text(data, 0, data.length);
      continue;
    }
    const prefix =
      header.subarray(257, 262).toString() === 'ustar'
        ? text(header, 345, 155)
        : '';
    const name = clean(
      pax.path ??
        longName ??
        (prefix ? `${prefix}/${text(header, 0, 100)}` : text(header, 0, 100)),
    );
    const entrySize = checkedSize(
      pax.size !== undefined ? decimal(pax.size) : size,
      name,
    );
    const linkName = pax.linkpath ?? longLink ?? text(header, 157, 100);
    pax = {};
    longName = undefined;
    longLink = undefined;
    let type: TarEntry['type'] = 'other';
    if (flag === '0' || flag === '7') type = 'file';
    else if (flag === '5') type = 'directory';
    else if (flag === '2') type = 'symlink';
    const taken = { bytes: 0 };
    const body = reader.stream(entrySize, taken);
    yield { name, size: entrySize, type, linkName, body };
    // Whatever the consumer left unread, then the padding.
    await reader.skip(Math.ceil(entrySize / BLOCK) * BLOCK - taken.bytes);
  }
}
