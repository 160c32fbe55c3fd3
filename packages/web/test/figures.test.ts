import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatDate, formatRate, formatSize } from '../src/figures.ts';

const MiB = 2 ** 20;
const sizes = (locale: string, list: number[]) => list.map((b) => formatSize(b, locale));
const samples = [0, 48, 1023, 1024, 1536, 30 * MiB, 5.25 * 2 ** 30, 1024 ** 4 * 2];

test('sizes in English: whole bytes, else one decimal with a point', () => {
  assert.deepEqual(sizes('en', samples), [
    '0 B',
    '48 B',
    '1023 B',
    '1.0 KiB',
    '1.5 KiB',
    '30.0 MiB',
    '5.3 GiB',
    '2.0 TiB',
  ]);
});

test('sizes in French: octets, a decimal comma', () => {
  assert.deepEqual(sizes('fr', samples), [
    '0 o',
    '48 o',
    '1023 o',
    '1,0 Kio',
    '1,5 Kio',
    '30,0 Mio',
    '5,3 Gio',
    '2,0 Tio',
  ]);
});

test('sizes in Spanish and Brazilian Portuguese: IEC symbols, a decimal comma', () => {
  for (const locale of ['es', 'pt-BR']) {
    assert.deepEqual(sizes(locale, samples), [
      '0 B',
      '48 B',
      '1023 B',
      '1,0 KiB',
      '1,5 KiB',
      '30,0 MiB',
      '5,3 GiB',
      '2,0 TiB',
    ]);
  }
});

test('a figure that rounds up to 1024 of a unit is said in the next one', () => {
  assert.equal(formatSize(1024 * 1024 - 1, 'fr'), '1,0 Mio');
  assert.equal(formatSize(MiB - 40, 'en'), '1.0 MiB');
  assert.equal(formatSize(1023.96 * 1024, 'en'), '1.0 MiB');
  assert.equal(formatSize(1023.9 * 1024, 'en'), '1023.9 KiB');
});

test('rates: whole bytes per second, else one decimal', () => {
  assert.equal(formatRate(297.8723404255319, 'en'), '298 B/s');
  assert.equal(formatRate(1.2 * MiB, 'en'), '1.2 MiB/s');
  assert.equal(formatRate(1.2 * MiB, 'fr'), '1,2 Mio/s');
  assert.equal(formatRate(1.2 * MiB, 'es'), '1,2 MiB/s');
});

test('dates in the page language', () => {
  const at = Date.UTC(2026, 11, 3, 12);
  assert.equal(formatDate(at, 'fr'), '3 déc. 2026');
  assert.equal(formatDate(at, 'en'), 'Dec 3, 2026');
  assert.equal(formatDate(at, 'es'), '3 dic 2026');
  assert.equal(formatDate(at, 'pt-BR'), '3 de dez. de 2026');
});
