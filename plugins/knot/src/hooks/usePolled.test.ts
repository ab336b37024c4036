import { act, renderHook, waitFor } from '@testing-library/react';
import { REFRESH_MS, usePolled } from './usePolled';

describe('usePolled', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('keeps the last answer on screen while a refresh fails, and clears the error once one succeeds', async () => {
    const answers: Array<() => Promise<string[]>> = [
      () => Promise.resolve(['first']),
      () => Promise.reject(new Error('the cluster did not answer in time')),
      () => Promise.resolve(['third']),
    ];
    const load = jest.fn(() => answers.shift()!());
    const { result } = renderHook(() => usePolled(load, []));
    await waitFor(() => expect(result.current.value).toEqual(['first']));

    await act(async () => {
      jest.advanceTimersByTime(REFRESH_MS);
    });
    await waitFor(() => expect(result.current.error).toBeDefined());
    expect(result.current.value).toEqual(['first']);
    expect(result.current.error?.message).toBe(
      'the cluster did not answer in time',
    );

    await act(async () => {
      jest.advanceTimersByTime(REFRESH_MS);
    });
    await waitFor(() => expect(result.current.value).toEqual(['third']));
    expect(result.current.error).toBeUndefined();
  });

  it('never shows the answer read for other inputs (another profile) after a failure', async () => {
    const load = jest
      .fn<Promise<string>, [string]>()
      .mockResolvedValueOnce('alice services')
      .mockRejectedValueOnce(new Error('refused'));
    const { result, rerender } = renderHook(
      ({ who }: { who: string }) => usePolled(() => load(who), [who]),
      { initialProps: { who: 'alice' } },
    );
    await waitFor(() => expect(result.current.value).toBe('alice services'));
    rerender({ who: 'team-a' });
    await waitFor(() => expect(result.current.error).toBeDefined());
    expect(result.current.value).toBeUndefined();
  });
});
