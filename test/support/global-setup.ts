import type { TestProject } from 'vitest/node';
import { findChromium } from './chromium.mjs';

declare module 'vitest' {
  export interface ProvidedContext {
    chromiumPath: string;
  }
}

/** Looks for (or installs) Chromium once for all test files. */
export default function setup(project: TestProject) {
  project.provide('chromiumPath', findChromium());
}
