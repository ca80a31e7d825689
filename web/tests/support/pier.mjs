// Starts the real processes the end-to-end tests drive: `pier serve` on a
// free loopback port with a fresh data directory, and optionally the
// Kubernetes API server double. Every wait is bounded; stop() ends them.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

export const webDir = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const repoDir = resolve(webDir, '..');

export function pierBinary() {
  return process.env.PIER_BINARY || join(repoDir, 'build', 'pier');
}

export function kubeDoubleBinary() {
  if (process.env.KUBE_API_DOUBLE) return process.env.KUBE_API_DOUBLE;
  // Beside the pier binary when it is a build tree's, else the default build.
  const beside = join(dirname(pierBinary()), 'tests', 'support', 'kube_double', 'kube-api-double');
  if (existsSync(beside)) return beside;
  return join(repoDir, 'build', 'tests', 'support', 'kube_double', 'kube-api-double');
}

// Reads stdout lines until `want` matches one, or fails after `ms`.
function waitForLine(child, want, ms, what) {
  return new Promise((resolvePromise, reject) => {
    let buffer = '';
    let stderr = '';
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`${what}: no "${want}" within ${ms} ms; stdout: ${buffer.slice(-2000)} stderr: ${stderr.slice(-2000)}`));
    }, ms);
    const onData = (chunk) => {
      buffer += chunk.toString();
      const m = buffer.match(want);
      if (m) {
        cleanup();
        resolvePromise({ match: m, output: buffer });
      }
    };
    const onErr = (chunk) => {
      stderr += chunk.toString();
    };
    const onExit = (code) => {
      cleanup();
      reject(new Error(`${what} exited with ${code} before "${want}"; stdout: ${buffer.slice(-2000)} stderr: ${stderr.slice(-2000)}`));
    };
    const cleanup = () => {
      clearTimeout(timer);
      child.stdout.off('data', onData);
      child.stderr.off('data', onErr);
      child.off('exit', onExit);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onErr);
    child.on('exit', onExit);
  });
}

function stopChild(child, ms = 5000) {
  return new Promise((resolvePromise) => {
    if (!child || child.exitCode !== null || child.signalCode !== null) return resolvePromise();
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
    }, ms);
    child.once('exit', () => {
      clearTimeout(timer);
      resolvePromise();
    });
    child.kill('SIGTERM');
  });
}

// The API server double as a process: its kubeconfig (context "double") and URL.
export async function startKubeDouble() {
  const dir = mkdtempSync(join(tmpdir(), 'pier-web-kube-'));
  const binary = kubeDoubleBinary();
  if (!existsSync(binary)) throw new Error(`kube-api-double not found at ${binary} (set KUBE_API_DOUBLE)`);
  const child = spawn(binary, ['--dir', dir, '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
  const { match } = await waitForLine(child, /^(\S+kubeconfig)\n(https:\/\/\S+)\n/m, 20000, 'kube-api-double');
  child.stdout.resume();
  child.stderr.resume();
  const kubeconfig = match[1];
  const url = match[2];
  const text = readFileSync(kubeconfig, 'utf8');
  const token = JSON.parse(text.match(/token: (".*")/)[1]);
  const caFile = JSON.parse(text.match(/certificate-authority: (".*")/)[1]);
  return {
    dir, kubeconfig, url, token, ca: readFileSync(caFile, 'utf8'),
    stop: async () => {
      await stopChild(child);
      if (!process.env.PIER_WEB_KEEP_TMP) rmSync(dir, { recursive: true, force: true });
    },
  };
}

// `pier serve` with the bundled catalog, the built UI and a gitops target "local".
export async function startPier({ kubeconfig, clusters } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'pier-web-'));
  const dataDir = join(dir, 'data');
  const gitops = join(dir, 'gitops');
  mkdirSync(gitops, { recursive: true });
  const binary = pierBinary();
  if (!existsSync(binary)) throw new Error(`pier not found at ${binary} (set PIER_BINARY)`);
  const args = [
    'serve', '--listen', '127.0.0.1:0', '--data-dir', dataDir, '--catalog', join(repoDir, 'catalog'),
    '--web', join(webDir, 'dist'), '--workers', '4', '--operation-lease', '5s', '--shutdown-grace', '2s',
  ];
  if (clusters) {
    const file = join(dir, 'clusters.yaml');
    writeFileSync(file, clusters);
    args.push('--clusters', file);
  } else {
    args.push('--gitops', `local=${gitops}`);
  }
  if (kubeconfig) args.push('--kubeconfig', kubeconfig);
  else args.push('--no-kubeconfig');
  const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, KUBECONFIG: '' } });
  const stderrTail = [];
  child.stderr.on('data', (chunk) => {
    stderrTail.push(chunk.toString());
    if (stderrTail.length > 200) stderrTail.shift();
  });
  const { match } = await waitForLine(child, /pier console: (http:\/\/127\.0\.0\.1:\d+)\//, 30000, 'pier serve');
  child.stdout.resume();
  const url = match[1];
  const adminToken = readFileSync(join(dataDir, 'admin.token'), 'utf8').trim();
  return {
    dir, url, adminToken, gitops,
    stderr: () => stderrTail.join(''),
    stop: async () => {
      await stopChild(child);
      if (!process.env.PIER_WEB_KEEP_TMP) rmSync(dir, { recursive: true, force: true });
    },
  };
}

// A request to the console's API as a test fixture would make it.
export async function apiCall(pier, method, path, body, token = pier.adminToken) {
  const response = await fetch(`${pier.url}/api/v1${path}`, {
    method,
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(15000),
  });
  const text = await response.text();
  let json;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: response.status, body: json, text };
}
