/**
 * A plate in large monospace characters, with chosen positions highlighted.
 * A highlighted character is also named underneath ("zero", "letter O"),
 * because look-alike pairs are exactly the ones that are hard to tell apart.
 */
interface Props {
  plate: string;
  highlight?: readonly number[];
  testId?: string;
  size?: 'row' | 'large';
}

const DIGIT_NAMES = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine'];

export function characterName(ch: string): string {
  if (/^[0-9]$/.test(ch)) return DIGIT_NAMES[Number(ch)] ?? ch;
  if (/^[A-Z]$/.test(ch)) return `letter ${ch}`;
  return ch;
}

export function PlateText({ plate, highlight = [], testId, size = 'row' }: Props) {
  const marked = new Set(highlight);
  return (
    <span
      className={`plate-text plate-${size}${marked.size > 0 ? ' plate-has-diff' : ''}`}
      data-testid={testId}
      aria-label={plate.split('').map(characterName).join(', ')}
    >
      {plate.split('').map((ch, i) =>
        marked.has(i) ? (
          <span key={i} className="ch ch-diff" data-name={characterName(ch)}>
            {ch}
          </span>
        ) : (
          <span key={i} className="ch">
            {ch}
          </span>
        ),
      )}
    </span>
  );
}
