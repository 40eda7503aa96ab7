/** A read's plate crop or context frame, fetched through `reads.image`. */
import { useReadImage } from '../lib/hooks.js';
import type { ImageKind } from '../stores/reads.js';

interface Props {
  readId: number;
  kind: ImageKind;
  alt: string;
  className?: string;
  testId?: string;
}

export function ReadImage({ readId, kind, alt, className = '', testId }: Props) {
  const slot = useReadImage(readId, kind);
  if (slot === undefined || slot === 'loading') {
    return <div className={`img-slot img-loading ${className}`} aria-busy="true" />;
  }
  if (slot === null) {
    return (
      <div className={`img-slot img-none ${className}`} data-testid={testId}>
        No image
      </div>
    );
  }
  return <img className={`img-slot ${className}`} src={slot} alt={alt} data-testid={testId} draggable={false} />;
}
