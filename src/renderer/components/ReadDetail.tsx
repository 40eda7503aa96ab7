/**
 * One read, opened from the feed: the plate crop and the wider picture, what
 * the camera read and how sure it was, the other readings it considered,
 * camera, time and position.
 */
import { formatClock, formatConfidence } from '../lib/format.js';
import { useReadsStore, useStatusStore } from '../stores/index.js';
import { PlateText } from './PlateText.js';
import { ReadImage } from './ReadImage.js';

export function ReadDetail() {
  const readId = useReadsStore((s) => s.detail);
  const read = useReadsStore((s) => s.reads.find((r) => r.id === s.detail) ?? null);
  const cameraName = useStatusStore((s) => s.status?.cameras.find((c) => c.id === read?.cameraId)?.name ?? read?.cameraId ?? '');
  if (readId === null || read === null) return null;
  const close = () => useReadsStore.getState().setDetail(null);
  const others = read.candidates.filter((c) => c.plate !== read.plate);
  return (
    <div className="read-detail-backdrop" onClick={close}>
      <section
        className="read-detail"
        role="dialog"
        aria-modal="true"
        aria-label={`Read of ${read.plate}`}
        data-testid="read-detail"
        onClick={(e) => e.stopPropagation()}
      >
        <div className="read-detail-head">
          <PlateText plate={read.plate} size="large" testId="read-detail-plate" />
          <button type="button" className="btn" data-testid="read-detail-close" onClick={close}>
            Close
          </button>
        </div>
        <ReadImage readId={read.id} kind="crop" alt={`Plate crop of ${read.plate}`} className="read-detail-crop" />
        <dl>
          <dt>Sure</dt>
          <dd>{formatConfidence(read.confidence)}</dd>
          <dt>State</dt>
          <dd>{read.state ?? 'not read'}</dd>
          <dt>Camera</dt>
          <dd>{cameraName}</dd>
          <dt>Time</dt>
          <dd>{formatClock(read.capturedAt)}</dd>
          <dt>Position</dt>
          <dd data-testid="read-detail-position">{read.gps ? `${read.gps.lat.toFixed(5)}, ${read.gps.lon.toFixed(5)}` : 'no GPS position'}</dd>
          <dt>Other readings</dt>
          <dd>
            {others.length === 0 ? (
              'none'
            ) : (
              <ol className="candidates" data-testid="read-detail-candidates">
                {others.map((c) => (
                  <li key={c.plate}>
                    {c.plate} · {formatConfidence(c.confidence)}
                  </li>
                ))}
              </ol>
            )}
          </dd>
        </dl>
        <ReadImage readId={read.id} kind="context" alt={`Vehicle seen by ${cameraName}`} className="read-detail-context" />
      </section>
    </div>
  );
}
