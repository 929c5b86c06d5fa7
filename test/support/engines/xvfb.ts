// An X display of our own for MiniBrowser, which has no headless mode: Xvfb picks a free display number and writes it
// to a pipe (-displayfd), so that parallel test files never share or guess one. Only the server started here is ended.
import { spawn, type ChildProcess } from 'node:child_process';

export interface Display {
  /** e.g. ':3'. */
  name: string;
  stop(): Promise<void>;
}

export async function startXvfb({ width = 1280, height = 1024, xvfbPath = 'Xvfb' } = {}): Promise<Display> {
  const xvfb: ChildProcess = spawn(xvfbPath, ['-displayfd', '3', '-screen', '0', `${width}x${height}x24`, '-nolisten', 'tcp', '-noreset'],
    { stdio: ['ignore', 'ignore', 'pipe', 'pipe'], detached: true });
  let stderr = '';
  xvfb.stderr!.on('data', (chunk) => { stderr += chunk; });
  const name = await new Promise<string>((resolve, reject) => {
    let written = '';
    xvfb.stdio[3]!.on('data', (chunk) => {
      written += chunk;
      if (written.includes('\n')) resolve(':' + written.trim());
    });
    xvfb.once('error', (error) => reject(new Error(`Xvfb could not start (${error.message}); on Debian: apt-get install -y xvfb`)));
    xvfb.once('exit', (code) => reject(new Error(`Xvfb exited (${code}) before giving a display: ${stderr.trim()}`)));
  });
  const exited = new Promise<void>((resolve) => xvfb.once('exit', () => resolve()));
  return {
    name,
    async stop() {
      if (xvfb.exitCode != null || xvfb.signalCode != null) return;
      xvfb.kill('SIGTERM');
      const timer = setTimeout(() => xvfb.kill('SIGKILL'), 2000);
      await exited;
      clearTimeout(timer);
    },
  };
}
