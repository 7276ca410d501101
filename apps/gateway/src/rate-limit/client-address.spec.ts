import { clientAddress, grpcPeerAddress } from './client-address.js';

describe('clientAddress', () => {
  it('is the connection address when no proxy is trusted, whatever X-Forwarded-For says', () => {
    expect(clientAddress('10.0.0.7', '1.2.3.4', 0)).toBe('10.0.0.7');
    expect(clientAddress('10.0.0.7', undefined, 1)).toBe('10.0.0.7');
  });

  it('behind one trusted proxy, is the address that proxy appended (the rightmost)', () => {
    expect(clientAddress('10.0.0.7', '203.0.113.9', 1)).toBe('203.0.113.9');
    // A client writing its own X-Forwarded-For only adds entries on the left.
    expect(clientAddress('10.0.0.7', 'spoofed, 6.6.6.6, 203.0.113.9', 1)).toBe('203.0.113.9');
    expect(clientAddress('10.0.0.7', ['6.6.6.6', '203.0.113.9'], 1)).toBe('203.0.113.9');
  });

  it('counts trusted proxies from the right', () => {
    expect(clientAddress('10.0.0.7', '6.6.6.6, 203.0.113.9, 10.0.0.2', 2)).toBe('203.0.113.9');
    // Fewer entries than trusted hops: the leftmost there is.
    expect(clientAddress('10.0.0.7', '203.0.113.9', 3)).toBe('203.0.113.9');
  });

  it('falls back to the connection when the trusted entry is not an address', () => {
    expect(clientAddress('10.0.0.7', 'unknown', 1)).toBe('10.0.0.7');
    expect(clientAddress('10.0.0.7', '', 1)).toBe('10.0.0.7');
  });

  it('reads addresses with ports, and IPv4 mapped into IPv6 as IPv4', () => {
    expect(clientAddress('10.0.0.7', '203.0.113.9:4711', 1)).toBe('203.0.113.9');
    expect(clientAddress('::ffff:127.0.0.1', undefined, 0)).toBe('127.0.0.1');
  });

  it('keys IPv6 clients by their /64', () => {
    expect(clientAddress('2001:db8:1:2:aaaa::1', undefined, 0)).toBe('2001:db8:1:2::/64');
    expect(clientAddress('2001:db8:1:2:bbbb::9', undefined, 0)).toBe('2001:db8:1:2::/64');
    expect(clientAddress('::1', undefined, 0)).toBe('0:0:0:0::/64');
    expect(clientAddress('10.0.0.7', '[2001:db8::5]:443', 1)).toBe('2001:db8:0:0::/64');
  });
});

describe('grpcPeerAddress', () => {
  it.each([
    ['127.0.0.1:50123', '127.0.0.1'],
    ['::1:50123', '::1'],
    ['::1:5012', '::1'],
    ['[::1]:50123', '::1'],
    ['::ffff:127.0.0.1:50123', '::ffff:127.0.0.1'],
    ['unknown', undefined],
  ])('reads %s', (peer, address) => {
    expect(grpcPeerAddress(peer)).toBe(address);
  });
});
