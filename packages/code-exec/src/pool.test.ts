import { runUidBlock } from './executor';
import { Pool } from './pool';

describe('Pool', () => {
  it('runs at most `concurrency` jobs, gives each a distinct slot, FIFO', async () => {
    const pool = new Pool(2);
    const order: number[] = [];
    const slotsInUse = new Set<number>();
    let most = 0;
    const job = (i: number) =>
      pool.run(async (slot) => {
        expect(slotsInUse.has(slot)).toBe(false);
        slotsInUse.add(slot);
        most = Math.max(most, slotsInUse.size);
        await new Promise((r) => setTimeout(r, 5));
        order.push(i);
        slotsInUse.delete(slot);
        expect(slot).toBeLessThan(2);
        return i * 10;
      });
    expect(await Promise.all([0, 1, 2, 3, 4].map(job))).toEqual([0, 10, 20, 30, 40]);
    expect(most).toBe(2);
    expect(pool.peakActive).toBe(2);
    expect(order.slice(0, 2).sort()).toEqual([0, 1]);
  });

  it('releases the slot when a job throws', async () => {
    const pool = new Pool(1);
    await expect(pool.run(async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await pool.run(async (slot) => slot)).toBe(0);
  });

  it('close() rejects queued jobs and waits for running ones', async () => {
    const pool = new Pool(1);
    let release!: () => void;
    const running = pool.run(() => new Promise<string>((r) => (release = () => r('done'))));
    const queued = pool.run(async () => 'never');
    const closing = pool.close();
    await expect(queued).rejects.toThrow('the executor was closed before this job started');
    release();
    await closing;
    expect(await running).toBe('done');
    await expect(pool.run(async () => 1)).rejects.toThrow('the executor is closed; create a new one with createExecutor()');
  });

  it('rejects a bad concurrency', () => {
    for (const bad of [0, -1, 1.5, NaN]) expect(() => new Pool(bad)).toThrow(`concurrency must be an integer >= 1, got ${bad}`);
  });
});

describe('runUidBlock', () => {
  it('gives every process and every executor in it its own run uids, all above the nobody uids', () => {
    const a = runUidBlock(61000, 2, 1234);
    const b = runUidBlock(61000, 3, 1234);
    const c = runUidBlock(61000, 2, 1235);
    const uids = (first: number, n: number) => Array.from({ length: n }, (_, i) => first + i);
    const all = [...uids(a, 2), ...uids(b, 3), ...uids(c, 2)];
    expect(new Set(all).size).toBe(all.length);
    expect(Math.min(...all)).toBeGreaterThan(65535);
    expect(runUidBlock(61000, 1, 2)).toBeGreaterThan(65535);
    expect(runUidBlock(61000, 1, 2 ** 22 - 1)).toBeLessThan(2 ** 31);
  });
});
