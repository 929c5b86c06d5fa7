// The React app of test/engines/frameworks.test.ts, bundled by esbuild with the real react and react-dom (the
// development build: StrictMode double-mounts) and the built elevate-tracker/react. The spec drives it through
// `window.reactApp`: render it (again) with props, and unmount it.
import { createElement, StrictMode, useEffect, type ReactElement } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { ElevateProvider, useTracker } from 'elevate-tracker/react';
import type { Consent, TrackerOptions } from 'elevate-tracker';

export interface ReactAppProps {
  options: TrackerOptions;
  consent?: Consent;
  /** Wraps the app in <StrictMode>. */
  isStrict?: boolean;
  /** What the tile sets with `setCustomerKey` in its own effect, which runs before the provider's. */
  customerKey?: string;
}

/** A product tile as a router renders it: a link whose click handler calls preventDefault. */
function Tile({ customerKey }: { customerKey?: string }): ReactElement {
  const tracker = useTracker();
  useEffect(() => {
    if (customerKey) tracker.setCustomerKey(customerKey);
  }, [tracker, customerKey]);
  return createElement('a', { id: 'tile', href: '/p/1', 'data-elevate-ticket': 'T-react',
    onClick: (event: MouseEvent) => event.preventDefault() }, 'A product');
}

let root: Root | undefined;

function render({ options, consent, isStrict, customerKey }: ReactAppProps) {
  root ??= createRoot(document.getElementById('root')!);
  const app = createElement(ElevateProvider, { options, consent }, createElement(Tile, { customerKey }));
  root.render(isStrict ? createElement(StrictMode, null, app) : app);
}

function unmount() {
  root?.unmount();
  root = undefined;
}

(window as any).reactApp = { render, unmount };
