import type { TestProject } from 'vitest/node';
import { ENGINE_NAMES, type EngineLaunch, type EngineName } from './engine.ts';
import { findEngine } from './find.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The engines this project's cross-engine specs run in, as found here. */
    engines: EngineLaunch[];
  }
}

/** Finds (or installs) the engine of a cross-engine project, which is named after it (vitest.config.ts), once for all its files. */
export default function setup(project: TestProject) {
  const name = project.name as EngineName;
  if (!ENGINE_NAMES.includes(name)) throw new Error(`project ${project.name}: a cross-engine project is named after its engine, one of ${ENGINE_NAMES.join(', ')}`);
  project.provide('engines', [findEngine(name)]);
}
