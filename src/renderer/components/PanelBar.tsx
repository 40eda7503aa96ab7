/** The bar across the top of a full-screen panel: the way back, the panel's title, a line about it, and any buttons of its own. */
import type { ReactNode } from 'react';

export interface PanelBarProps {
  title: string;
  /** The back button's words, e.g. "‹ Patrol". */
  back: string;
  onBack(): void;
  backTestId: string;
  meta?: string;
  className?: string;
  children?: ReactNode;
}

export function PanelBar({ title, back, onBack, backTestId, meta, className, children }: PanelBarProps) {
  return (
    <header className={className ? `panel-bar ${className}` : 'panel-bar'}>
      <button type="button" className="btn btn-back" data-testid={backTestId} onClick={onBack}>
        {back}
      </button>
      <h1 className="panel-bar-title">{title}</h1>
      {meta && <span className="panel-bar-meta">{meta}</span>}
      {children}
    </header>
  );
}
