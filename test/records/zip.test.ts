/**
 * The evidence package's ZIP and manifest checks on their own: a round trip
 * keeps every byte; a file removed from, or added to, a package is named; a
 * package cut short or with a bad manifest is refused by name.
 */
import { describe, expect, it } from 'vitest';
import crypto from 'node:crypto';
import { PACKAGE_FORMAT, verifyPackage } from '../../src/main/engine/records/evidence.js';
import { readZip, writeZip, type ZipEntry } from '../../src/main/engine/records/zip.js';

const sha = (b: Buffer): string => crypto.createHash('sha256').update(b).digest('hex');

function packageOf(files: ZipEntry[], listed = files): Buffer {
  const manifest = { format: PACKAGE_FORMAT, caseNumber: 'C-1', files: listed.map((f) => ({ path: f.name, bytes: f.data.length, sha256: sha(f.data) })) };
  return writeZip([{ name: 'manifest.json', data: Buffer.from(JSON.stringify(manifest)) }, ...files]);
}

describe('evidence ZIP', () => {
  const files: ZipEntry[] = [
    { name: 'images/read-1-crop.jpg', data: crypto.randomBytes(5000) },
    { name: 'records.json', data: Buffer.from('{"a":1}') },
    { name: 'empty.csv', data: Buffer.alloc(0) },
  ];

  it('reads back every entry byte for byte, and a whole package verifies', () => {
    const zip = packageOf(files);
    expect(readZip(zip).slice(1)).toEqual(files);
    expect(verifyPackage(zip)).toMatchObject({ ok: true, files: 3, caseNumber: 'C-1', problems: [] });
    expect(() => writeZip([files[0]!, files[0]!])).toThrow(/twice in one package/);
  });

  it('names a file removed from or added to the package', () => {
    expect(verifyPackage(packageOf(files.slice(1), files)).problems).toEqual(['package: images/read-1-crop.jpg: listed in the manifest but missing']);
    expect(verifyPackage(packageOf([...files, { name: 'extra.txt', data: Buffer.from('x') }], files)).problems).toEqual([
      'package: extra.txt: not listed in the manifest (added after export)',
    ]);
  });

  it('refuses a package cut short, without a manifest, or with a manifest that is not JSON', () => {
    const zip = packageOf(files);
    expect(verifyPackage(zip.subarray(0, zip.length - 30)).ok).toBe(false);
    expect(verifyPackage(writeZip(files)).problems).toEqual(['package: manifest.json is missing']);
    expect(verifyPackage(writeZip([{ name: 'manifest.json', data: Buffer.from('{oops') }])).problems[0]).toMatch(/^package: manifest\.json is not valid JSON/);
  });
});
