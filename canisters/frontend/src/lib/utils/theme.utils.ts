/** Light and dark themes: the user's choice in localStorage, else the system's. */
export type Theme = 'light' | 'dark' | 'system';
const THEME_KEY = 'icp-wallet.theme';

export function storedTheme(): Theme {
  const value = globalThis.localStorage?.getItem(THEME_KEY);
  return value === 'light' || value === 'dark' ? value : 'system';
}

export function applyTheme(theme: Theme): void {
  if (theme === 'system') {
    globalThis.localStorage?.removeItem(THEME_KEY);
    delete document.documentElement.dataset.theme;
  } else {
    globalThis.localStorage?.setItem(THEME_KEY, theme);
    document.documentElement.dataset.theme = theme;
  }
}

export function formatTime(date: Date): string {
  return date.toISOString().replace('T', ' ').slice(0, 19) + ' UTC';
}
