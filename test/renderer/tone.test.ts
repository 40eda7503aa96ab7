// @vitest-environment jsdom
import { afterEach, describe, expect, it, vi } from 'vitest';
import { AlertTone } from '../../src/renderer/audio/tone.js';

interface FakeNode {
  kind: string;
  started: number | null;
  stopped: number | null;
  connections: unknown[];
}

function fakeAudio() {
  const nodes: FakeNode[] = [];
  const param = () => ({
    value: 0,
    setValueAtTime: vi.fn(),
    linearRampToValueAtTime: vi.fn(),
    cancelScheduledValues: vi.fn(),
  });
  function node(kind: string) {
    const n = {
      kind,
      started: null as number | null,
      stopped: null as number | null,
      connections: [] as unknown[],
      type: '',
      frequency: param(),
      gain: param(),
      connect(target: unknown) {
        n.connections.push(target);
        return target;
      },
      start(at: number) {
        n.started = at;
      },
      stop(at: number) {
        n.stopped = at;
      },
    };
    nodes.push(n);
    return n;
  }
  class Ctx {
    static instances = 0;
    state = 'suspended';
    currentTime = 1;
    destination = { kind: 'destination' };
    constructor() {
      Ctx.instances++;
    }
    resume = vi.fn(async () => {
      this.state = 'running';
    });
    close = vi.fn(async () => undefined);
    createOscillator = () => node('oscillator');
    createGain = () => node('gain');
    createBiquadFilter = () => node('filter');
  }
  return { Ctx, nodes };
}

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('alert tone', () => {
  it('flags playing/silent on the body even with no audio device', () => {
    const tone = new AlertTone();
    tone.start();
    expect(document.body.dataset.tone).toBe('playing');
    tone.stop();
    expect(document.body.dataset.tone).toBe('silent');
  });

  it('primes on a gesture and plays a two-pitch oscillator until stopped', () => {
    const { Ctx, nodes } = fakeAudio();
    vi.stubGlobal('AudioContext', Ctx);
    const tone = new AlertTone();
    tone.prime();
    expect(Ctx.instances).toBe(1);
    tone.start();
    const oscillators = nodes.filter((n) => n.kind === 'oscillator');
    // The carrier and the LFO that flips its pitch.
    expect(oscillators).toHaveLength(2);
    expect(oscillators.every((o) => o.started !== null && o.stopped === null)).toBe(true);
    tone.start();
    expect(nodes.filter((n) => n.kind === 'oscillator')).toHaveLength(2);
    tone.stop();
    expect(oscillators.every((o) => o.stopped !== null)).toBe(true);
    tone.close();
  });
});
