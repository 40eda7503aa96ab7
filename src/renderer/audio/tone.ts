/**
 * The alert tone: an alternating two-tone (siren-like) beep synthesised with
 * Web Audio, so no audio files ship with the app. The pitch alternation is an
 * LFO inside the audio graph, so it keeps its rhythm even when timers are
 * throttled. `document.body.dataset.tone` mirrors whether the tone should be
 * sounding ("playing" / "silent"), for tests and for diagnostics.
 */

type AudioContextCtor = new () => AudioContext;

const HIGH_HZ = 960;
const VOLUME = 0.45;

/**
 * The three tones a list can be given (hotlists.json "tone"), told apart by
 * rhythm and timbre as well as pitch: urgent is a fast siren, standard a
 * slower two-tone, quiet a soft single-pitch beep.
 */
export type ToneKind = 'urgent' | 'standard' | 'quiet';

export interface ToneProfile {
  readonly wave: OscillatorType;
  /** The two pitches the tone alternates between (equal for a single pitch). */
  readonly highHz: number;
  readonly lowHz: number;
  /** How long each pitch, or each beep and each gap, lasts. */
  readonly halfPeriodS: number;
  readonly volume: number;
  /** Beeps with silence between them instead of alternating pitches. */
  readonly pulsed: boolean;
}

export const TONE_PROFILES: Record<ToneKind, ToneProfile> = {
  urgent: { wave: 'square', highHz: 1100, lowHz: 780, halfPeriodS: 0.15, volume: 0.5, pulsed: false },
  standard: { wave: 'square', highHz: 960, lowHz: 770, halfPeriodS: 0.35, volume: VOLUME, pulsed: false },
  quiet: { wave: 'sine', highHz: 660, lowHz: 660, halfPeriodS: 0.6, volume: 0.25, pulsed: true },
};

/** A list's tone name as configured; unknown names sound as standard. */
export function toneKind(name: string): ToneKind {
  return name === 'urgent' || name === 'quiet' ? name : 'standard';
}

function audioContextCtor(): AudioContextCtor | null {
  const w = globalThis as unknown as { AudioContext?: AudioContextCtor; webkitAudioContext?: AudioContextCtor };
  return w.AudioContext ?? w.webkitAudioContext ?? null;
}

export class AlertTone {
  private context: AudioContext | null = null;
  private voice: { stop(): void } | null = null;
  private wanted = false;
  private kind: ToneKind = 'standard';

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

  /** Sounds the tone of this kind until stopped; a different kind replaces the one sounding. */
  start(kind: ToneKind = 'standard'): void {
    if (this.wanted && kind === this.kind) return;
    if (this.wanted) {
      const voice = this.voice;
      this.voice = null;
      voice?.stop();
    }
    this.kind = kind;
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
      const { carrier, lfo, volume } = buildVoice(ctx, TONE_PROFILES[this.kind], t);
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

/**
 * The audio graph of one tone, on any context (the live one, or an
 * OfflineAudioContext that renders it for inspection). A square LFO either
 * flips the carrier between two pitches or, for a pulsed tone, gates it.
 */
export function buildVoice(ctx: BaseAudioContext, profile: ToneProfile, t: number): { carrier: OscillatorNode; lfo: OscillatorNode; volume: GainNode } {
  const carrier = ctx.createOscillator();
  carrier.type = profile.wave;
  carrier.frequency.setValueAtTime((profile.highHz + profile.lowHz) / 2, t);
  const lfo = ctx.createOscillator();
  lfo.type = 'square';
  lfo.frequency.setValueAtTime(1 / (2 * profile.halfPeriodS), t);
  const depth = ctx.createGain();
  // Square waves are harsh; a low-pass keeps the tone piercing but not shrill.
  const filter = ctx.createBiquadFilter();
  filter.type = 'lowpass';
  filter.frequency.setValueAtTime(3000, t);
  const volume = ctx.createGain();
  volume.gain.setValueAtTime(0, t);
  volume.gain.linearRampToValueAtTime(profile.volume, t + 0.02);
  if (profile.pulsed) {
    // The LFO swings -1..1; half its swing on a gain of one half gates the sound on and off.
    const gate = ctx.createGain();
    gate.gain.setValueAtTime(0.5, t);
    depth.gain.setValueAtTime(0.5, t);
    lfo.connect(depth).connect(gate.gain);
    carrier.connect(filter).connect(gate).connect(volume).connect(ctx.destination);
  } else {
    depth.gain.setValueAtTime((profile.highHz - profile.lowHz) / 2, t);
    lfo.connect(depth).connect(carrier.frequency);
    carrier.connect(filter).connect(volume).connect(ctx.destination);
  }
  carrier.start(t);
  lfo.start(t);
  return { carrier, lfo, volume };
}

export function setToneFlag(flag: 'playing' | 'silent'): void {
  if (typeof document !== 'undefined' && document.body) document.body.dataset.tone = flag;
}

/** The app's one tone (one speaker, one alert at a time). */
export const alertTone = new AlertTone();
