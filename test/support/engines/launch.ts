// Launches an engine as the global set-up found it (find.ts), in a test file.
import type { Engine, EngineLaunch } from './engine.ts';
import { launchPlaywright } from './playwright.ts';
import { launchWebDriver } from './webdriver.ts';

export function launchEngine(launch: EngineLaunch): Promise<Engine> {
  return launch.via == 'webdriver' ? launchWebDriver(launch) : launchPlaywright(launch);
}
