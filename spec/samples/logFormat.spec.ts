import { MalformedRecordError } from '../../actors';
import { splitLogLine } from '../../samples/ipcount/logFormat';

describe('splitLogLine', () => {
  it('accepts IPv4 and IPv6 addresses', () => {
    expect(splitLogLine('10:00:01 192.168.0.1')).toEqual(['10:00:01', '192.168.0.1']);
    expect(splitLogLine('10:00:01 ::1')).toEqual(['10:00:01', '::1']);
    expect(splitLogLine('10:00:01 2001:db8::8a2e:370:7334')).toEqual(['10:00:01', '2001:db8::8a2e:370:7334']);
    expect(splitLogLine('10:00:01 ::ffff:10.0.0.1')).toEqual(['10:00:01', '::ffff:10.0.0.1']);
  });

  it.each([':', '::::', '1:2', '1.2.3', '256.1.1.1', 'fe80:::1', '1::2::3'])('rejects %p as not an IP address', (ip) => {
    expect(() => splitLogLine(`10:00:01 ${ip}`)).toThrow(MalformedRecordError);
  });
});
