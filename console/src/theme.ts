/** Light or dark: the system's choice until the person picks one, then theirs (kept in this browser). */
export type Theme = 'light' | 'dark';
const storedThemeKey = 'console.theme';

export function currentTheme(): Theme {
  const stored = localStorage.getItem(storedThemeKey);
  if (stored === 'light' || stored === 'dark') return stored;
  return matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
}

export function applyTheme(theme: Theme, remember = false): void {
  document.documentElement.dataset.theme = theme;
  if (remember) localStorage.setItem(storedThemeKey, theme);
}
