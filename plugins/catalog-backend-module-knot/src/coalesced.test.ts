import { coalesced } from './coalesced';

describe('coalesced', () => {
  it('runs once more after a burst of calls during a run, never in parallel', async () => {
    let running = 0;
    let maxParallel = 0;
    let runs = 0;
    const finishers: Array<() => void> = [];
    const run = coalesced(async () => {
      runs++;
      running++;
      maxParallel = Math.max(maxParallel, running);
      await new Promise<void>(resolve => finishers.push(resolve));
      running--;
    });
    run();
    run();
    run();
    run();
    expect(runs).toBe(1);
    finishers.shift()!();
    await new Promise(r => setImmediate(r));
    expect(runs).toBe(2);
    finishers.shift()!();
    await new Promise(r => setImmediate(r));
    expect(runs).toBe(2);
    expect(maxParallel).toBe(1);
    run();
    expect(runs).toBe(3);
  });
});
