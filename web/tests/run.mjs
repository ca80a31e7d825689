// `npm test`: builds dist/ when a source is newer, checks what the tests need,
// then runs the end-to-end tests with node's test runner, bounded in time.
// Exit status: the runner's (non-zero on any failure), 1 on a missing tool, 124 on time-out.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { pierBinary, kubeDoubleBinary, webDir } from './support/pier.mjs';

const LIMIT_MS = Number(process.env.PIER_WEB_TEST_TIMEOUT_MS || 240000);

function newest(dir) {
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    latest = Math.max(latest, entry.isDirectory() ? newest(path) : statSync(path).mtimeMs);
  }
  return latest;
}

if (!existsSync(join(webDir, 'node_modules', '.bin', 'vite'))) {
  console.log('web: installing the locked dependencies (npm ci)');
  const install = spawnSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: webDir, stdio: 'inherit', timeout: 300000 });
  if (install.status !== 0) process.exit(install.status ?? 1);
}

const built = join(webDir, 'dist', 'index.html');
const sources = Math.max(newest(join(webDir, 'src')), statSync(join(webDir, 'index.html')).mtimeMs,
  statSync(join(webDir, 'vite.config.ts')).mtimeMs, statSync(join(webDir, 'package-lock.json')).mtimeMs);
if (!existsSync(built) || statSync(built).mtimeMs < sources) {
  console.log('web: building dist/ (npm run build)');
  const build = spawnSync('npm', ['run', 'build'], { cwd: webDir, stdio: 'inherit', timeout: 180000 });
  if (build.status !== 0) process.exit(build.status ?? 1);
}

const missing = [];
const chromium = process.env.CHROMIUM || '/usr/bin/chromium';
if (!existsSync(chromium)) missing.push(`${chromium} (apt-get install chromium, or set CHROMIUM)`);
if (!existsSync(pierBinary())) missing.push(`${pierBinary()} (build pier, or set PIER_BINARY)`);
if (!existsSync(kubeDoubleBinary())) missing.push(`${kubeDoubleBinary()} (build kube-api-double, or set KUBE_API_DOUBLE)`);
if (missing.length) {
  console.error(`web tests: missing ${missing.join('; ')}`);
  process.exit(1);
}

const args = ['--test', '--test-concurrency=1', `--test-timeout=${LIMIT_MS}`, ...process.argv.slice(2)];
if (process.argv.length <= 2) args.push(join(webDir, 'tests', 'e2e.test.mjs'));
const child = spawn(process.execPath, args, { cwd: webDir, stdio: 'inherit' });
const timer = setTimeout(() => {
  console.error(`web tests: still running after ${LIMIT_MS / 1000} s: stopping them`);
  child.kill('SIGTERM');
  setTimeout(() => child.kill('SIGKILL'), 5000).unref();
  process.exitCode = 124;
}, LIMIT_MS);
child.on('exit', (code, signal) => {
  clearTimeout(timer);
  if (process.exitCode !== 124) process.exitCode = code ?? (signal ? 1 : 0);
});
