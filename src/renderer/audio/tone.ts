/**
 * The alert tone: an alternating two-tone (siren-like) beep synthesised with
 * Web Audio, so no audio files ship with the app. The pitch alternation is an
 * LFO inside the audio graph, so it keeps its rhythm even when timers are
 * throttled. `document.body.dataset.tone` mirrors whether the tone should be
 * sounding ("playing" / "silent"), for tests and for diagnostics.
 */

type AudioContextCtor = new () => AudioContext;

const HIGH_HZ = 960;
const LOW_HZ = 770;
/** Each pitch lasts this long. */
const HALF_PERIOD_S = 0.35;
const VOLUME = 0.45;

function audioContextCtor(): AudioContextCtor | null {
  const w = globalThis as unknown as { AudioContext?: AudioContextCtor; webkitAudioContext?: AudioContextCtor };
  return w.AudioContext ?? w.webkitAudioContext ?? null;
}

export class AlertTone {
  private context: AudioContext | null = null;
  private voice: { stop(): void } | null = null;
  private wanted = false;

  /**
   * Create or resume the AudioContext. Call from a user gesture (the login
   * click, any tap) so the browser's autoplay rules let the tone sound later.
   */
  prime(): void {
    try {
      if (!this.context) {
        const Ctor = audioContextCtor();
        if (!Ctor) return;
        this.context = new Ctor();
      }
      if (this.context.state === 'suspended') void this.context.resume().catch(() => undefined);
      if (this.wanted && !this.voice) this.startVoice();
    } catch (error) {
      console.warn('alert tone: audio unavailable', error);
    }
  }

  get playing(): boolean {
    return this.wanted;
  }

  start(): void {
    if (this.wanted) return;
    this.wanted = true;
    setToneFlag('playing');
    this.prime();
    if (!this.voice) this.startVoice();
  }

  stop(): void {
    this.wanted = false;
    setToneFlag('silent');
    const voice = this.voice;
    this.voice = null;
    voice?.stop();
  }

  /** Releases the audio device (sign-out of the app, tests). */
  close(): void {
    this.stop();
    const ctx = this.context;
    this.context = null;
    if (ctx) void ctx.close().catch(() => undefined);
  }

  /** Two short beeps: another alert has queued behind the one on screen. */
  chime(): void {
    const ctx = this.context;
    if (!ctx || ctx.state !== 'running') return;
    try {
      const t = ctx.currentTime;
      const osc = ctx.createOscillator();
      const gain = ctx.createGain();
      osc.type = 'square';
      osc.frequency.setValueAtTime(HIGH_HZ, t);
      gain.gain.setValueAtTime(0, t);
      for (const at of [0, 0.25]) {
        gain.gain.setValueAtTime(VOLUME * 0.6, t + at);
        gain.gain.setValueAtTime(0, t + at + 0.12);
      }
      osc.connect(gain).connect(ctx.destination);
      osc.start(t);
      osc.stop(t + 0.5);
    } catch (error) {
      console.warn('alert tone: chime failed', error);
    }
  }

  private startVoice(): void {
    const ctx = this.context;
    if (!ctx) return;
    try {
      const t = ctx.currentTime;
      const carrier = ctx.createOscillator();
      carrier.type = 'square';
      carrier.frequency.setValueAtTime((HIGH_HZ + LOW_HZ) / 2, t);
      // A square LFO added to the carrier's frequency flips it between the two pitches.
      const lfo = ctx.createOscillator();
      lfo.type = 'square';
      lfo.frequency.setValueAtTime(1 / (2 * HALF_PERIOD_S), t);
      const depth = ctx.createGain();
      depth.gain.setValueAtTime((HIGH_HZ - LOW_HZ) / 2, t);
      lfo.connect(depth).connect(carrier.frequency);
      // Square waves are harsh; a low-pass keeps the tone piercing but not shrill.
      const filter = ctx.createBiquadFilter();
      filter.type = 'lowpass';
      filter.frequency.setValueAtTime(3000, t);
      const volume = ctx.createGain();
      volume.gain.setValueAtTime(0, t);
      volume.gain.linearRampToValueAtTime(VOLUME, t + 0.02);
      carrier.connect(filter).connect(volume).connect(ctx.destination);
      carrier.start(t);
      lfo.start(t);
      this.voice = {
        stop: () => {
          try {
            const now = ctx.currentTime;
            volume.gain.cancelScheduledValues(now);
            volume.gain.setValueAtTime(volume.gain.value, now);
            volume.gain.linearRampToValueAtTime(0, now + 0.03);
            carrier.stop(now + 0.05);
            lfo.stop(now + 0.05);
          } catch {
            // Already stopped.
          }
        },
      };
    } catch (error) {
      console.warn('alert tone: could not start', error);
    }
  }
}

export function setToneFlag(flag: 'playing' | 'silent'): void {
  if (typeof document !== 'undefined' && document.body) document.body.dataset.tone = flag;
}

/** The app's one tone (one speaker, one alert at a time). */
export const alertTone = new AlertTone();
