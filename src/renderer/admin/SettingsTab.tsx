/**
 * The car's settings on the administrator's screen: its cameras (each with a
 * live preview and the region where plates are read), the GPS receiver, the
 * hot-list file and recognizer, and the thresholds. Every edit is checked at
 * once with the same rule the engine checks the file with, each problem shown
 * at its field and named by its key; saving sends the whole settings with a
 * reason, and the engine writes the file, audits each value changed and
 * restarts only the cameras that changed.
 */
import { useEffect, useMemo, useState, type FormEvent, type ReactNode } from 'react';
import { checkSettingsObject, settingsChanges, type CameraSettings, type CarSettings, type SettingsProblem } from '../../shared/settings.js';
import type { Responses } from '../../shared/contract.js';
import { call, useApi } from '../api.js';
import { useRequest } from '../lib/hooks.js';
import { CameraPreview } from './CameraPreview.js';
import './SettingsTab.css';

const POSITIONS: { value: CameraSettings['position']; text: string }[] = [
  { value: 'front', text: 'Front' },
  { value: 'left', text: 'Left' },
  { value: 'right', text: 'Right' },
  { value: 'rear', text: 'Rear' },
];
const ROTATIONS = [0, 90, 180, 270] as const;
const BAUDS = [4800, 9600, 19200, 38400, 57600, 115200];

type Problems = ReadonlyMap<string, string>;

function problemMap(problems: readonly SettingsProblem[]): Problems {
  const map = new Map<string, string>();
  for (const p of problems) if (!map.has(p.key)) map.set(p.key, p.message);
  return map;
}

/** What a changed value looks like in the list of changes. */
function shortValue(value: unknown): string {
  if (value === null || value === undefined) return 'none';
  if (typeof value === 'object') return 'source' in value ? `camera "${(value as { name?: string }).name ?? ''}"` : JSON.stringify(value);
  return String(value);
}

export function SettingsTab() {
  const api = useApi();
  const [saved, setSaved] = useState<{ settings: CarSettings; file: string | null } | null>(null);
  const [draft, setDraft] = useState<CarSettings | null>(null);
  const [reason, setReason] = useState('');
  const [applied, setApplied] = useState<Responses['settings.update'] | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const { busy, error, run } = useRequest();

  useEffect(() => {
    void call(api, 'settings.get', {}).then((r) => {
      if (r.ok) {
        setSaved(r.value);
        setDraft(structuredClone(r.value.settings));
      } else setLoadError(r.error);
    });
  }, [api]);

  const checked = useMemo(() => (draft ? checkSettingsObject(draft) : null), [draft]);
  const problems = useMemo<Problems>(() => (checked && !checked.ok ? problemMap(checked.problems) : new Map()), [checked]);
  const changes = useMemo(() => (saved && checked?.ok ? settingsChanges(saved.settings, checked.settings) : []), [saved, checked]);

  if (!saved || !draft || !checked) {
    return (
      <div className="settings-tab" data-testid="settings-tab">
        {loadError ? (
          <p className="error-text" role="alert" data-testid="settings-load-error">
            Could not load the car's settings: {loadError}
          </p>
        ) : (
          <p className="muted settings-loading">Loading…</p>
        )}
      </div>
    );
  }

  const edit = (change: (draft: CarSettings) => void): void => {
    setApplied(null);
    setDraft((current) => {
      const next = structuredClone(current!);
      change(next);
      return next;
    });
  };

  async function save(event: FormEvent) {
    event.preventDefault();
    if (!checked?.ok || changes.length === 0 || reason.trim().length < 3) return;
    const answer = await run(() => call(api, 'settings.update', { settings: checked.settings, reason: reason.trim() }));
    if (!answer?.ok) return;
    setSaved({ settings: answer.value.settings, file: answer.value.file });
    setDraft(structuredClone(answer.value.settings));
    setApplied(answer.value);
    setReason('');
  }

  const problemList = checked.ok ? [] : checked.problems;
  return (
    <form className="settings-tab" data-testid="settings-tab" onSubmit={(e) => void save(e)} noValidate>
      <div className="settings-body">
        <p className="settings-file muted">
          {saved.file ? (
            <>
              Saved in <span className="settings-path">{saved.file}</span>
            </>
          ) : (
            'This engine runs without a settings file: changes cannot be saved.'
          )}
        </p>

        <Section title="Cameras">
          {draft.cameras.length === 0 && <p className="muted">No camera yet.</p>}
          {draft.cameras.map((camera, i) => (
            <CameraCard
              key={i}
              index={i}
              camera={camera}
              problems={problems}
              entered={checked.ok ? checked.settings.cameras[i]! : cameraIfValid(camera)}
              edit={(change) => edit((d) => change(d.cameras[i]!))}
              remove={() => edit((d) => void d.cameras.splice(i, 1))}
            />
          ))}
          <button
            type="button"
            className="btn settings-add"
            data-testid="settings-add-camera"
            disabled={draft.cameras.length >= 8}
            onClick={() =>
              edit((d) => {
                const taken = new Set(d.cameras.map((c) => c.position));
                const position = POSITIONS.find((p) => !taken.has(p.value))?.value ?? 'front';
                d.cameras.push({ id: uniqueId(d, position), name: position[0]!.toUpperCase() + position.slice(1), position, source: '', fps: 15, rotation: 0, loop: false });
              })
            }
          >
            + Add a camera
          </button>
        </Section>

        <Section title="GPS receiver">
          <label className="toggle">
            <input
              type="checkbox"
              checked={draft.gps !== null}
              data-testid="settings-gps-on"
              onChange={(e) => edit((d) => void (d.gps = e.target.checked ? { device: '/dev/ttyUSB0', baud: 4800 } : null))}
            />
            A GPS receiver is attached
          </label>
          {draft.gps && (
            <div className="settings-grid">
              <TextField label="Serial device" problems={problems} problemKey="gps.device" value={draft.gps.device} onChange={(v) => edit((d) => void (d.gps!.device = v))} testId="settings-gps-device" wide />
              <Field label="Baud rate" problem={problems.get('gps.baud')}>
                <select className="input input-select" data-testid="settings-gps-baud" value={draft.gps.baud} onChange={(e) => edit((d) => void (d.gps!.baud = Number(e.target.value)))}>
                  {BAUDS.map((b) => (
                    <option key={b} value={b}>
                      {b}
                    </option>
                  ))}
                </select>
              </Field>
            </div>
          )}
        </Section>

        <Section title="Lists and recognition">
          <div className="settings-grid">
            <TextField label="Hot-list configuration file" problems={problems} problemKey="hotListsFile" value={draft.hotListsFile} onChange={(v) => edit((d) => void (d.hotListsFile = v))} testId="settings-hotlists-file" wide />
            <Field label="Recognizer" problem={problems.get('recognition.engine')}>
              <select
                className="input input-select"
                data-testid="settings-recognizer"
                value={draft.recognition.engine}
                onChange={(e) => edit((d) => void (d.recognition.engine = e.target.value as CarSettings['recognition']['engine']))}
              >
                <option value="auto">Automatic</option>
                <option value="project">Project</option>
                <option value="paddle">PaddleOCR</option>
              </select>
            </Field>
            <NumberField label="Recognizer threads" problems={problems} problemKey="recognition.threads" value={draft.recognition.threads} onChange={(v) => edit((d) => void (d.recognition.threads = v as number))} testId="settings-threads" />
          </div>
        </Section>

        <Section title="Thresholds">
          <div className="settings-grid">
            <NumberField
              label="Feed shows reads from (% sure)"
              problems={problems}
              problemKey="screen.feedConfidenceFloor"
              value={draft.screen.feedConfidenceFloor}
              scale={100}
              onChange={(v) => edit((d) => void (d.screen.feedConfidenceFloor = v as number))}
              testId="settings-feed-floor"
            />
            <NumberField label="Screen locks after (minutes, 0 never)" problems={problems} problemKey="screen.lockAfterMinutes" value={draft.screen.lockAfterMinutes} onChange={(v) => edit((d) => void (d.screen.lockAfterMinutes = v as number))} testId="settings-lock-minutes" />
            <NumberField label="Shortest PIN" problems={problems} problemKey="accounts.pinMinLength" value={draft.accounts.pinMinLength} onChange={(v) => edit((d) => void (d.accounts.pinMinLength = v as number))} testId="settings-pin-length" />
            <NumberField label="Wrong PINs before lockout" problems={problems} problemKey="accounts.maxFailedAttempts" value={draft.accounts.maxFailedAttempts} onChange={(v) => edit((d) => void (d.accounts.maxFailedAttempts = v as number))} testId="settings-max-attempts" />
            <NumberField label="Low disk space mark (MB)" problems={problems} problemKey="storage.lowSpaceMb" value={draft.storage.lowSpaceMb} onChange={(v) => edit((d) => void (d.storage.lowSpaceMb = v as number))} testId="settings-low-space" />
            <NumberField label="Reads held while the disk fails" problems={problems} problemKey="storage.bufferReads" value={draft.storage.bufferReads} onChange={(v) => edit((d) => void (d.storage.bufferReads = v as number))} testId="settings-buffer-reads" />
          </div>
        </Section>

        <Section title="Quick-pick reasons">
          <p className="muted settings-note">One reason a line, at most 12 to a list. The officer taps one instead of typing; words can still be added.</p>
          <div className="settings-reasons">
            {REASON_LISTS.map(({ kind, label }) => (
              <ReasonListField
                key={kind}
                label={label}
                problems={problems}
                problemKey={`reasons.${kind}`}
                value={draft.reasons[kind]}
                onChange={(reasons) => edit((d) => void (d.reasons[kind] = reasons))}
                testId={`settings-reasons-${kind}`}
              />
            ))}
          </div>
        </Section>
      </div>

      <footer className="settings-save">
        <div className="settings-state">
          {problemList.length > 0 ? (
            <div className="settings-problems" role="alert" data-testid="settings-problems">
              <strong>
                {problemList.length} {problemList.length === 1 ? 'problem' : 'problems'} to fix before saving:
              </strong>
              <ul>
                {problemList.slice(0, 3).map((p) => (
                  <li key={p.key}>
                    <span className="settings-key">{p.key}</span>: {p.message}
                  </li>
                ))}
              </ul>
            </div>
          ) : changes.length > 0 ? (
            <div className="settings-changes" data-testid="settings-changes">
              <strong>
                {changes.length} {changes.length === 1 ? 'change' : 'changes'}:
              </strong>{' '}
              {changes.slice(0, 3).map((c, i) => (
                <span key={c.key} className="settings-change">
                  {i > 0 ? '; ' : ''}
                  <span className="settings-key">{c.key}</span> {shortValue(c.before)} → {shortValue(c.after)}
                </span>
              ))}
              {changes.length > 3 ? ` and ${changes.length - 3} more` : ''}
            </div>
          ) : applied ? (
            <p className="settings-applied" data-testid="settings-applied">
              Saved.
              {applied.camerasStarted.length > 0 ? ` Cameras restarted: ${applied.camerasStarted.join(', ')}.` : ''}
              {applied.camerasStopped.length > 0 ? ` Cameras removed: ${applied.camerasStopped.join(', ')}.` : ''}
              {applied.gpsReopened ? ' GPS receiver reopened.' : ''}
              {applied.restartNeeded.length > 0 ? ` Takes effect when the app starts again: ${applied.restartNeeded.join(', ')}.` : ''}
            </p>
          ) : (
            <p className="muted">No changes.</p>
          )}
          {error && (
            <p className="error-text" role="alert" data-testid="settings-save-error">
              Not saved: {error}
            </p>
          )}
        </div>
        <label className="field settings-reason">
          <span className="field-label">Why the change</span>
          <input className="input" data-testid="settings-reason" value={reason} maxLength={500} onChange={(e) => setReason(e.target.value)} disabled={busy} placeholder="e.g. rear camera replaced" />
        </label>
        <div className="settings-buttons">
          <button type="button" className="btn btn-quiet" data-testid="settings-undo" disabled={busy || (changes.length === 0 && checked.ok)} onClick={() => setDraft(structuredClone(saved.settings))}>
            Undo changes
          </button>
          <button type="submit" className="btn btn-primary" data-testid="settings-save" disabled={busy || !checked.ok || changes.length === 0 || reason.trim().length < 3 || !saved.file}>
            {busy ? 'Saving…' : 'Save'}
          </button>
        </div>
      </footer>
    </form>
  );
}

/** A camera as entered, when it passes the check on its own (the preview needs nothing else). */
function cameraIfValid(camera: CameraSettings): CameraSettings | null {
  const checked = checkSettingsObject({ cameras: [camera] });
  return checked.ok ? checked.settings.cameras[0]! : null;
}

function uniqueId(settings: CarSettings, base: string): string {
  const taken = new Set(settings.cameras.map((c) => c.id));
  if (!taken.has(base)) return base;
  for (let n = 2; ; n++) if (!taken.has(`${base}-${n}`)) return `${base}-${n}`;
}

const REASON_LISTS: readonly { kind: keyof CarSettings['reasons']; label: string }[] = [
  { kind: 'misread', label: 'Misread' },
  { kind: 'not-on-list', label: 'Not on the list' },
  { kind: 'other', label: 'Other disposition' },
  { kind: 'manual', label: 'Plate entered by hand' },
];

/**
 * A list of quick-pick reasons typed one a line. The text is kept as typed
 * (a blank line while adding one); the list sent on is its non-blank lines.
 * A problem with any reason of the list shows under it.
 */
function ReasonListField({ label, problems, problemKey, value, onChange, testId }: FieldProps<string[]>) {
  const [text, setText] = useState(() => value.join('\n'));
  const lines = (typed: string) => typed.split('\n').filter((line) => line.trim() !== '');
  // A list changed elsewhere (undo, a save) shows here.
  useEffect(() => {
    if (lines(text).join('\n') !== value.join('\n')) setText(value.join('\n'));
  }, [value]);
  const problem = [...problems].find(([key]) => key === problemKey || key.startsWith(`${problemKey}.`))?.[1];
  return (
    <Field label={label} problem={problem}>
      <textarea
        className={problem ? 'input note input-invalid' : 'input note'}
        rows={4}
        value={text}
        data-testid={testId}
        aria-invalid={problem !== undefined}
        onChange={(e) => {
          setText(e.target.value);
          onChange(lines(e.target.value));
        }}
      />
    </Field>
  );
}

function Section({ title, children }: { title: string; children: ReactNode }) {
  return (
    <section className="settings-section" aria-label={title}>
      <h2 className="admin-section-title">{title}</h2>
      {children}
    </section>
  );
}

function Field({ label, problem, children, wide = false }: { label: string; problem: string | undefined; children: ReactNode; wide?: boolean }) {
  return (
    <label className={wide ? 'field settings-field settings-wide' : 'field settings-field'}>
      <span className="field-label">{label}</span>
      {children}
      {problem && <span className="settings-field-problem">{problem}</span>}
    </label>
  );
}

interface FieldProps<T> {
  label: string;
  problems: Problems;
  problemKey: string;
  value: T;
  onChange: (value: T) => void;
  testId: string;
  wide?: boolean;
}

function TextField({ label, problems, problemKey, value, onChange, testId, wide }: FieldProps<string>) {
  const problem = problems.get(problemKey);
  return (
    <Field label={label} problem={problem} wide={wide ?? false}>
      <input className={problem ? 'input input-invalid' : 'input'} spellCheck={false} value={value} data-testid={testId} aria-invalid={problem !== undefined} onChange={(e) => onChange(e.target.value)} />
    </Field>
  );
}

/**
 * A number typed as text: empty is "not set" (undefined), anything else that
 * is not a number is kept as NaN so the settings check names the field.
 * `scale` shows fractions as percentages.
 */
function NumberField({ scale = 1, ...props }: FieldProps<number | undefined> & { scale?: number; placeholder?: string }) {
  const { label, problems, problemKey, value, onChange, testId } = props;
  const format = (v: number | undefined): string => (v === undefined || Number.isNaN(v) ? '' : String(Math.round(v * scale * 1000) / 1000));
  const [text, setText] = useState(() => format(value));
  // A value changed elsewhere (a region drawn on the preview, undo) shows here.
  useEffect(() => {
    const typed = text.trim() === '' ? undefined : Number(text) / scale;
    const same = typed === value || (typed !== undefined && value !== undefined && Math.abs(typed - value) < 1e-9) || (Number.isNaN(typed) && Number.isNaN(value));
    if (!same) setText(format(value));
  }, [value]);
  const problem = problems.get(problemKey);
  return (
    <Field label={label} problem={problem}>
      <input
        className={problem ? 'input input-invalid settings-number' : 'input settings-number'}
        inputMode="decimal"
        value={text}
        placeholder={props.placeholder}
        data-testid={testId}
        aria-invalid={problem !== undefined}
        onChange={(e) => {
          setText(e.target.value);
          const t = e.target.value.trim();
          onChange(t === '' ? undefined : Number(t) / scale);
        }}
      />
    </Field>
  );
}

function CameraCard({
  index,
  camera,
  problems,
  entered,
  edit,
  remove,
}: {
  index: number;
  camera: CameraSettings;
  problems: Problems;
  entered: CameraSettings | null;
  edit: (change: (camera: CameraSettings) => void) => void;
  remove: () => void;
}) {
  const key = (field: string): string => `cameras.${index}.${field}`;
  const t = (field: string): string => `settings-camera-${index}-${field}`;
  const roiProblem = problems.get(key('roi')) ?? ['x', 'y', 'w', 'h'].map((f) => problems.get(key(`roi.${f}`))).find(Boolean);
  const setRoi = (field: 'x' | 'y' | 'w' | 'h', v: number | undefined): void =>
    edit((c) => {
      c.roi = { ...(c.roi ?? { x: 0, y: 0, w: 1, h: 1 }), [field]: v as number };
    });
  return (
    <article className="settings-camera" data-testid={`settings-camera-${index}`} aria-label={`Camera ${camera.name || index + 1}`}>
      <div className="settings-camera-fields">
        <div className="settings-grid">
          <TextField label="ID" problems={problems} problemKey={key('id')} value={camera.id} onChange={(v) => edit((c) => void (c.id = v))} testId={t('id')} />
          <TextField label="Name" problems={problems} problemKey={key('name')} value={camera.name} onChange={(v) => edit((c) => void (c.name = v))} testId={t('name')} />
          <Field label="Position" problem={problems.get(key('position'))}>
            <select className="input input-select" data-testid={t('position')} value={camera.position} onChange={(e) => edit((c) => void (c.position = e.target.value as CameraSettings['position']))}>
              {POSITIONS.map((p) => (
                <option key={p.value} value={p.value}>
                  {p.text}
                </option>
              ))}
            </select>
          </Field>
          <TextField label="Source (device, URL, gige://name, file or folder)" problems={problems} problemKey={key('source')} value={camera.source} onChange={(v) => edit((c) => void (c.source = v))} testId={t('source')} wide />
          <NumberField label="Width (px)" problems={problems} problemKey={key('width')} value={camera.width} onChange={(v) => edit((c) => void (c.width = v))} testId={t('width')} placeholder="device's" />
          <NumberField label="Height (px)" problems={problems} problemKey={key('height')} value={camera.height} onChange={(v) => edit((c) => void (c.height = v))} testId={t('height')} placeholder="device's" />
          <NumberField label="Frames per second" problems={problems} problemKey={key('fps')} value={camera.fps} onChange={(v) => edit((c) => void (c.fps = v as number))} testId={t('fps')} />
          <Field label="Rotation" problem={problems.get(key('rotation'))}>
            <select className="input input-select" data-testid={t('rotation')} value={camera.rotation} onChange={(e) => edit((c) => void (c.rotation = Number(e.target.value) as CameraSettings['rotation']))}>
              {ROTATIONS.map((r) => (
                <option key={r} value={r}>
                  {r === 0 ? 'None' : `${r}° right`}
                </option>
              ))}
            </select>
          </Field>
        </div>
        <fieldset className="settings-roi">
          <legend className="field-label">Where plates are read (% of the picture)</legend>
          {camera.roi ? (
            <div className="settings-roi-fields">
              <NumberField label="Left" problems={problems} problemKey={key('roi.x')} value={camera.roi.x} scale={100} onChange={(v) => setRoi('x', v)} testId={t('roi-x')} />
              <NumberField label="Top" problems={problems} problemKey={key('roi.y')} value={camera.roi.y} scale={100} onChange={(v) => setRoi('y', v)} testId={t('roi-y')} />
              <NumberField label="Width" problems={problems} problemKey={key('roi.w')} value={camera.roi.w} scale={100} onChange={(v) => setRoi('w', v)} testId={t('roi-w')} />
              <NumberField label="Height" problems={problems} problemKey={key('roi.h')} value={camera.roi.h} scale={100} onChange={(v) => setRoi('h', v)} testId={t('roi-h')} />
              <button type="button" className="btn btn-quiet" data-testid={t('roi-clear')} onClick={() => edit((c) => void delete c.roi)}>
                Whole picture
              </button>
            </div>
          ) : (
            <p className="muted settings-roi-none">The whole picture. Drag on the preview to mark a region.</p>
          )}
          {roiProblem && camera.roi && <span className="settings-field-problem">{roiProblem}</span>}
        </fieldset>
        <div className="settings-camera-actions">
          <label className="toggle">
            <input type="checkbox" checked={camera.loop} data-testid={t('loop')} onChange={(e) => edit((c) => void (c.loop = e.target.checked))} />
            Replay starts again at its end
          </label>
          <button type="button" className="btn btn-danger" data-testid={t('remove')} onClick={remove}>
            Remove camera
          </button>
        </div>
      </div>
      <CameraPreview camera={entered} roi={camera.roi} onRoi={(roi) => edit((c) => void (c.roi = roi))} testId={t('preview')} />
    </article>
  );
}
