import type { ReactNode } from 'react';

/**
 * A table wider than a small screen (320 px, or 200 % zoom) scrolls sideways inside this region,
 * never the page. The region is named and focusable, so keyboard users can scroll it and screen
 * readers say what it holds.
 */
export function TableScroll({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="app-table-scroll" role="region" aria-label={label} tabIndex={0}>
      {children}
    </div>
  );
}
