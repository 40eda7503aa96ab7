/** Night (default, dark) or day (light, for bright sun) colours; remembered on this MDT. */
import { useEffect, useState } from 'react';

export type Theme = 'night' | 'day';
const KEY = 'lpr.theme';

function storedTheme(): Theme {
  try {
    return localStorage.getItem(KEY) === 'day' ? 'day' : 'night';
  } catch {
    return 'night';
  }
}

export function applyStoredTheme(): void {
  document.documentElement.dataset.theme = storedTheme();
}

export function ThemeToggle() {
  const [theme, setTheme] = useState<Theme>(storedTheme);
  useEffect(() => {
    document.documentElement.dataset.theme = theme;
    try {
      localStorage.setItem(KEY, theme);
    } catch {
      // Private storage unavailable: the choice lasts for this session.
    }
  }, [theme]);
  return (
    <button
      type="button"
      className="btn btn-quiet"
      onClick={() => setTheme(theme === 'night' ? 'day' : 'night')}
      aria-label={theme === 'night' ? 'Switch to day colours' : 'Switch to night colours'}
    >
      {theme === 'night' ? '☾ Night colours' : '☀ Day colours'}
    </button>
  );
}
