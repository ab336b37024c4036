import { InputError } from '@backstage/errors';
import { tarArchive, type TarMember } from './__testUtils__/tarArchive';
import { tarEntries } from './tarEntries';

/** The archive in pieces of 100 bytes, as a request body arrives. */
async function* pieces(archive: Buffer) {
  for (let at = 0; at < archive.length; at += 100) {
    yield archive.subarray(at, at + 100);
  }
}

/**
 * Each entry with its body. A reader that spins without reading freezes
 * the event loop, where jest's timeout never fires: a body that goes on
 * past more pieces than the archive has fails here instead.
 */
async function entriesOf(members: TarMember[]) {
  const archive = tarArchive(members);
  const read: Array<{ name: string; size: number; body: string }> = [];
  for await (const entry of tarEntries(pieces(archive))) {
    const parts: Buffer[] = [];
    for await (const part of entry.body) {
      parts.push(part);
      if (parts.length > archive.length / 100 + 1) {
        throw new Error(`the body of ${entry.name} does not end`);
      }
    }
    read.push({
      name: entry.name,
      size: entry.size,
      body: Buffer.concat(parts).toString(),
    });
  }
  return read;
}

describe('tarEntries', () => {
  it("reads a file's size from its pax header", async () => {
    expect(
      await entriesOf([
        // The header's own size is what tar writes past 8 GiB: not the size.
        {
          name: 'a',
          body: Buffer.from('hello'),
          headerSize: '0',
          pax: { size: '5' },
        },
        { name: 'b', body: Buffer.from('next') },
      ]),
    ).toEqual([
      { name: 'a', size: 5, body: 'hello' },
      { name: 'b', size: 4, body: 'next' },
    ]);
  });

  it.each(['1.5', '-1', '1e3', 'abc', '', '99999999999999999999'])(
    'refuses a pax size of %j as an input error',
    async size => {
      const read = entriesOf([
        { name: 'a', body: Buffer.from('ab'), pax: { size } },
      ]);
      await expect(read).rejects.toThrow(InputError);
      await expect(read).rejects.toThrow(
        'This is not an image archive: entry a has an invalid size',
      );
    },
  );

  it.each(['-7777777777', '1.5', '12x'])(
    "refuses a header's octal size of %j as an input error",
    async headerSize => {
      const read = entriesOf([
        { name: 'a', body: Buffer.from('ab'), headerSize },
      ]);
      await expect(read).rejects.toThrow(InputError);
      await expect(read).rejects.toThrow(
        'This is not an image archive: entry a has an invalid size',
      );
    },
  );
});
