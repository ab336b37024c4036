import { quotaVerdict } from './quotaVerdict';

const GiB = 2 ** 30 * 1000;

describe('quotaVerdict', () => {
  const quota = {
    hard: { 'requests.cpu': '4', 'requests.memory': '8Gi', pods: '10' },
    used: { 'requests.cpu': '2500m', 'requests.memory': '7Gi', pods: '9' },
  };

  it("refuses in the issue's words, with every resource that does not fit", () => {
    const verdict = quotaVerdict({
      profile: 'alice',
      needed: new Map([
        ['requests.cpu', 2000],
        ['requests.memory', 1.5 * GiB],
        ['pods', 2000],
      ]),
      unset: new Map(),
      quotas: [quota],
    });
    expect(verdict.fits).toBe(false);
    expect(verdict.shortfalls.map(s => s.resource)).toEqual([
      'requests.cpu',
      'requests.memory',
      'pods',
    ]);
    expect(verdict.message).toBe(
      "Needs 2 CPU, 1.5 CPU free of 4 in alice's quota; " +
        "needs 1.5 GiB of memory, 1 GiB of memory free of 8 GiB in alice's quota; " +
        "needs 2 pods, 1 pod free of 10 in alice's quota",
    );
  });

  it('lets through what fits, exactly up to the last milli-unit', () => {
    const verdict = quotaVerdict({
      profile: 'alice',
      needed: new Map([
        ['requests.cpu', 1500],
        ['pods', 1000],
      ]),
      unset: new Map(),
      quotas: [quota],
    });
    expect(verdict).toEqual({ fits: true, shortfalls: [] });
  });

  it('treats cpu as requests.cpu and holds to the tightest quota', () => {
    const verdict = quotaVerdict({
      profile: 't',
      needed: new Map([['requests.cpu', 1000]]),
      unset: new Map(),
      quotas: [
        { hard: { cpu: '4' }, used: { cpu: '0' } },
        { hard: { 'requests.cpu': '2' }, used: { 'requests.cpu': '1500m' } },
      ],
    });
    expect(verdict.message).toBe("Needs 1 CPU, 0.5 CPU free of 2 in t's quota");
  });

  it('gives back what the release holds now on an upgrade', () => {
    const input = {
      profile: 'alice',
      needed: new Map([['requests.cpu', 2000]]),
      unset: new Map(),
      quotas: [quota],
    };
    expect(quotaVerdict(input).fits).toBe(false);
    const held = (cpu: number) => ({
      release: 'hello',
      usage: new Map([['requests.cpu', cpu]]),
    });
    expect(quotaVerdict({ ...input, held: held(500) }).fits).toBe(true);
    expect(quotaVerdict({ ...input, held: held(250) }).message).toBe(
      "Needs 2 CPU, 1.75 CPU free of 4 in alice's quota (counting the 0.25 CPU hello holds now)",
    );
  });

  it('refuses a container without the request a quota demands', () => {
    const verdict = quotaVerdict({
      profile: 'alice',
      needed: new Map([['requests.cpu', 0]]),
      unset: new Map([['requests.cpu', 'container web of Deployment hello']]),
      quotas: [{ hard: { 'requests.cpu': '4' }, used: {} }],
    });
    expect(verdict.message).toBe(
      "alice's quota limits requests of CPU, so every container must set a CPU request; container web of Deployment hello sets none",
    );
  });

  it('ignores resources the quota does not track', () => {
    const verdict = quotaVerdict({
      profile: 'alice',
      needed: new Map([['limits.cpu', 100_000]]),
      unset: new Map([['limits.cpu', 'container web of Deployment hello']]),
      quotas: [quota],
    });
    expect(verdict.fits).toBe(true);
  });
});
