import { clientText } from './AuditRecorder';

describe('clientText', () => {
  it('keeps a client string, clipped, and nothing else', () => {
    expect(clientText('web')).toBe('web');
    expect(clientText('x'.repeat(70))).toBe('x'.repeat(63));
    expect(clientText({ toString: () => 'web' })).toBe('');
  });

  it('shows control characters as U+FFFD: one value, one line', () => {
    expect(clientText('web\n2026-12-01 user.delete by dana')).toBe(
      'web\uFFFD2026-12-01 user.delete by dana',
    );
    // Replaced, not dropped: `alice` followed by a control is not `alice`.
    expect(clientText('alice\r\u0000\u001b[2K\u0085\u007f')).toBe(
      'alice\uFFFD\uFFFD\uFFFD[2K\uFFFD\uFFFD',
    );
  });
});
