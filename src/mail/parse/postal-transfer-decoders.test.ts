import fc from 'fast-check';
import PostalMime from 'postal-mime';
import { describe, expect, it } from 'vitest';
import { installTransferDecoders } from './postal-transfer-decoders.js';

type Decoder = { update(line: Uint8Array): void; finalize(): Promise<ArrayBuffer> };
type NodeProto = { setupContentDecoder(this: { contentDecoder: Decoder | null }, encoding: string): void };

// postal-mime's own decoders, taken before the hook replaces them (this file runs in its own module graph).
const proto = Object.getPrototypeOf((new PostalMime() as unknown as { root: object }).root) as NodeProto;
const originalSetup = proto.setupContentDecoder;
installTransferDecoders();
const hookedSetup = proto.setupContentDecoder;
if (hookedSetup === originalSetup)
  throw new Error('the hook was installed before this test took the originals');

async function decode(setup: NodeProto['setupContentDecoder'], encoding: string, lines: Uint8Array[]) {
  const node: { contentDecoder: Decoder | null } = { contentDecoder: null };
  setup.call(node, encoding);
  for (const l of lines) node.contentDecoder?.update(l);
  return new Uint8Array((await node.contentDecoder?.finalize()) ?? new ArrayBuffer(0));
}

async function sameAsPostalMime(encoding: string, lines: Uint8Array[]) {
  const ours = await decode(hookedSetup, encoding, lines);
  expect(ours.buffer.byteLength).toBe(ours.length);
  expect(Buffer.from(ours)).toEqual(Buffer.from(await decode(originalSetup, encoding, lines)));
}

const latin1Lines = (...lines: string[]) => lines.map((l) => new Uint8Array(Buffer.from(l, 'latin1')));

// Lines of base64 text with the damage real mail has: padding mid-body, stray characters, 8-bit bytes.
const base64ish = fc.array(
  fc.array(
    fc.oneof(
      { weight: 20, arbitrary: fc.constantFrom(...'ABCXYZabcxyz0189+/') },
      { weight: 2, arbitrary: fc.constantFrom('=', '==', ' ', '\t', '-', '_', '.', '\r', ':') },
      { weight: 1, arbitrary: fc.integer({ min: 0x80, max: 0xff }).map((c) => String.fromCharCode(c)) },
    ),
    { maxLength: 90 },
  ),
  { maxLength: 12 },
);

describe('transfer decoders', () => {
  it('decode base64 exactly as postal-mime does, damaged or not (property)', async () => {
    await fc.assert(
      fc.asyncProperty(base64ish, async (lines) => {
        await sameAsPostalMime('base64', latin1Lines(...lines.map((l) => l.join(''))));
      }),
      { numRuns: 500 },
    );
  });

  it('decode well-formed base64 as postal-mime does, padded or not, with a stray last character (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ maxLength: 400 }),
        fc.boolean(),
        fc.constantFrom('', 'Q', 'x', '=', '-', '.'),
        fc.integer({ min: 1, max: 90 }),
        async (bytes, stripPadding, extra, width) => {
          let text = Buffer.from(bytes).toString('base64');
          if (stripPadding) text = text.replace(/=+$/, '');
          text += extra;
          const lines = text.match(new RegExp(`.{1,${width}}`, 'g')) ?? [];
          await sameAsPostalMime('base64', latin1Lines(...lines));
        },
      ),
      { numRuns: 500 },
    );
  });

  it('decode clean and padded base64 bodies as postal-mime does', async () => {
    const bytes = Buffer.from(Array.from({ length: 5000 }, (_, i) => (i * 131) & 0xff));
    for (const cut of [0, 1, 2, 3, 57, 4999]) {
      const text = bytes.subarray(0, 5000 - cut).toString('base64');
      const lines = text.match(/.{1,76}/g) ?? [];
      await sameAsPostalMime('base64', latin1Lines(...lines));
      // every line padded on its own, as some mailers write it
      await sameAsPostalMime(
        'base64',
        latin1Lines(...lines.map((l) => Buffer.from(l, 'base64').toString('base64'))),
      );
    }
    await sameAsPostalMime('base64', []);
    await sameAsPostalMime('base64', latin1Lines('', 'QQ', '=', 'QUI='));
  });

  it('pass 7bit, 8bit and unknown encodings through as postal-mime does (property)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.uint8Array({ maxLength: 80 }), { maxLength: 10 }), async (lines) => {
        for (const encoding of ['7bit', '8bit', 'binary', '', 'x-uuencode'])
          await sameAsPostalMime(encoding, lines);
      }),
      { numRuns: 200 },
    );
  });

  it('leave quoted-printable to postal-mime', async () => {
    await sameAsPostalMime('quoted-printable', latin1Lines('caf=C3=A9 =', 'soft', 'x=3'));
  });
});
