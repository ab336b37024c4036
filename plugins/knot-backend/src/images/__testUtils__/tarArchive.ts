const BLOCK = 512;

/** One file of a {@link tarArchive}. */
export interface TarMember {
  name: string;
  body?: Buffer;
  /** The header's size field as written (octal text), if not the body's. */
  headerSize?: string;
  /** Records of a pax extended header ('x') written before the file. */
  pax?: Record<string, string>;
}

function header(name: string, size: string, type: string): Buffer {
  const block = Buffer.alloc(BLOCK);
  block.write(name, 0, 100);
  block.write('0000644', 100);
  block.write('0000000', 108);
  block.write('0000000', 116);
  block.write(size, 124, 12);
  block.write('00000000000', 136);
  block.write(type, 156);
  block.write('ustar\u000000', 257);
  // The checksum is counted with its own field as spaces.
  block.fill(' ', 148, 156);
  const sum = block.reduce((total, byte) => total + byte, 0);
  block.write(`${sum.toString(8).padStart(6, '0')}\u0000 `, 148);
  return block;
}

/** `bytes` and zeros up to the next block. */
const padded = (bytes: Buffer) =>
  Buffer.concat([
    bytes,
    Buffer.alloc((BLOCK - (bytes.length % BLOCK)) % BLOCK),
  ]);

/** `<length> <key>=<value>\n` records, each length counting its own digits. */
function paxData(records: Record<string, string>): Buffer {
  return Buffer.concat(
    Object.entries(records).map(([key, value]) => {
      const record = ` ${key}=${value}\n`;
      let length = Buffer.byteLength(record);
      while (String(length).length + Buffer.byteLength(record) !== length) {
        length = String(length).length + Buffer.byteLength(record);
      }
      return Buffer.from(`${length}${record}`);
    }),
  );
}

/** A ustar archive of regular files, written in memory as tar writes it. */
export function tarArchive(members: TarMember[]): Buffer {
  const blocks: Buffer[] = [];
  for (const { name, body = Buffer.alloc(0), headerSize, pax } of members) {
    if (pax) {
      const data = paxData(pax);
      blocks.push(
        header(`PaxHeaders/${name}`, data.length.toString(8), 'x'),
        padded(data),
      );
    }
    blocks.push(
      header(name, headerSize ?? body.length.toString(8), '0'),
      padded(body),
    );
  }
  // The end-of-archive marker.
  blocks.push(Buffer.alloc(2 * BLOCK));
  return Buffer.concat(blocks);
}
