import type { ComponentChildren, JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';

/** A small history router: paths are the console's pages, query strings their state (filters, tabs). */
const listeners = new Set<() => void>();
const notify = () => listeners.forEach((listener) => listener());
window.addEventListener('popstate', notify);

export function navigate(to: string, options: { replace?: boolean } = {}): void {
  if (to === location.pathname + location.search) return;
  history[options.replace ? 'replaceState' : 'pushState'](null, '', to);
  notify();
}

export interface Route {
  path: string;
  query: URLSearchParams;
}

export function useRoute(): Route {
  const [, rerender] = useState(0);
  useEffect(() => {
    const listener = () => rerender((count) => count + 1);
    listeners.add(listener);
    return () => void listeners.delete(listener);
  }, []);
  return { path: location.pathname, query: new URLSearchParams(location.search) };
}

/** A path with a query built from the non-empty entries. */
export function withQuery(path: string, entries: Record<string, string | number | undefined | string[]>): string {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(entries)) {
    for (const each of Array.isArray(value) ? value : [value]) if (each !== undefined && each !== '') query.append(key, String(each));
  }
  const text = query.toString();
  return text === '' ? path : `${path}?${text}`;
}

type LinkProps = { href: string; children: ComponentChildren } & Omit<JSX.HTMLAttributes<HTMLAnchorElement>, 'href' | 'onClick'>;

/** An anchor that navigates in the page; modified clicks (new tab, window) stay the browser's. */
export function Link({ href, children, ...rest }: LinkProps) {
  const onClick = (event: MouseEvent) => {
    if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    navigate(href);
  };
  return (
    <a href={href} onClick={onClick} {...rest}>
      {children}
    </a>
  );
}
