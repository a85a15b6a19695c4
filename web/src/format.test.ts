import { describe, expect, it } from 'vitest';

import { bytes, platformText, shortDigest, time, toBytes } from './format';

describe('format', () => {
  it('writes sizes in binary units', () => {
    expect(bytes(0)).toBe('0 B');
    expect(bytes(1023)).toBe('1023 B');
    expect(bytes(1536)).toBe('1.50 KiB');
    expect(bytes(5 * 1024 ** 3)).toBe('5.00 GiB');
    expect(bytes(-1)).toBe('unlimited');
    expect(bytes(undefined)).toBe('—');
  });

  it('reads a limit with its unit, refusing what is not a size', () => {
    expect(toBytes('2', 'GiB')).toBe(2 * 1024 ** 3);
    expect(toBytes('0.5', 'MiB')).toBe(512 * 1024);
    expect(toBytes('-1', 'GiB')).toBe(-1);
    expect(toBytes('', 'GiB')).toBeNull();
    expect(toBytes('abc', 'GiB')).toBeNull();
    expect(toBytes('-3', 'GiB')).toBeNull();
    expect(toBytes('1', 'parsecs')).toBeNull();
  });

  it('shortens digests and names platforms', () => {
    expect(shortDigest('sha256:0123456789abcdef0123')).toBe('sha256:0123456789ab');
    expect(platformText({ os: 'linux', architecture: 'arm64', variant: 'v8' })).toBe('linux/arm64/v8');
    expect(platformText({})).toBe('');
  });

  it('shows no time for the zero time', () => {
    expect(time('0001-01-01T00:00:00Z')).toBe('—');
    expect(time(undefined)).toBe('—');
  });
});
