import { describe, expect, it } from 'vitest';
import { LatestSlot } from '../../src/main/engine/camera/slot.js';

describe('LatestSlot', () => {
  it('keeps only the newest value when stale ones may be dropped', async () => {
    const slot = new LatestSlot<number>(true);
    await slot.put(1);
    await slot.put(2);
    await slot.put(3);
    expect(await slot.take()).toBe(3);
    expect(slot.dropped).toBe(2);
    slot.close();
    expect(await slot.take()).toBeNull();
  });

  it('makes the producer wait instead of dropping when paced by the reader', async () => {
    const slot = new LatestSlot<number>(false);
    const taken: number[] = [];
    const producer = (async () => {
      for (let i = 0; i < 5; i++) await slot.put(i);
      slot.close();
    })();
    for (let v = await slot.take(); v !== null; v = await slot.take()) taken.push(v);
    await producer;
    expect(taken).toEqual([0, 1, 2, 3, 4]);
    expect(slot.dropped).toBe(0);
  });

  it('wakes a waiting reader on close', async () => {
    const slot = new LatestSlot<number>(true);
    const pending = slot.take();
    slot.close();
    expect(await pending).toBeNull();
  });

  it('hands each value nobody will take to onDrop, so it can be freed at once', async () => {
    const dropped: number[] = [];
    const slot = new LatestSlot<number>(true, (v) => dropped.push(v));
    await slot.put(1);
    await slot.put(2);
    expect(await slot.take()).toBe(2);
    await slot.put(3);
    slot.close();
    await slot.put(4);
    expect(dropped).toEqual([1, 4]);
    expect(await slot.take()).toBe(3);
  });
});
