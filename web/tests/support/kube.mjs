// A stand-in Deployment controller for the Kubernetes API double (which has
// none): it writes Deployment status the way the controller would, one more
// available replica at a time, and gives images named "broken" a pod in
// CrashLoopBackOff, so that pier serve's rollout following has something to follow.
import https from 'node:https';

export function kubeClient(double) {
  const agent = new https.Agent({ ca: double.ca, keepAlive: true, maxSockets: 2 });
  return function call(method, path, body, contentType = 'application/json') {
    const url = new URL(path, double.url);
    return new Promise((resolve, reject) => {
      const request = https.request(url, {
        method, agent,
        headers: {
          Authorization: `Bearer ${double.token}`,
          Accept: 'application/json',
          ...(body !== undefined ? { 'Content-Type': contentType } : {}),
        },
        timeout: 5000,
      }, (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk) => { text += chunk; });
        response.on('end', () => {
          let json;
          try { json = text ? JSON.parse(text) : undefined; } catch { json = undefined; }
          resolve({ status: response.statusCode, body: json });
        });
      });
      request.on('timeout', () => request.destroy(new Error(`${method} ${path}: timed out`)));
      request.on('error', reject);
      if (body !== undefined) request.write(JSON.stringify(body));
      request.end();
    });
  };
}

export function startFakeController(double, namespace, { stepMs = 700 } = {}) {
  const call = kubeClient(double);
  const state = new Map(); // name -> { generation, lastStep }
  let stopped = false;
  let errors = 0;
  const deployments = `/apis/apps/v1/namespaces/${namespace}/deployments`;

  async function setStatus(name, status) {
    await call('PATCH', `${deployments}/${name}/status`, { status }, 'application/merge-patch+json');
  }

  async function seedCrashLoop(d, generation) {
    const name = d.metadata.name;
    const hash = `5d8f7c${generation}`;
    const template = structuredClone(d.spec.template);
    template.metadata.labels = { ...template.metadata.labels, 'pod-template-hash': hash };
    const selector = { ...d.spec.selector.matchLabels, 'pod-template-hash': hash };
    const rs = await call('POST', `/apis/apps/v1/namespaces/${namespace}/replicasets`, {
      apiVersion: 'apps/v1', kind: 'ReplicaSet',
      metadata: {
        name: `${name}-${hash}`, namespace, labels: template.metadata.labels,
        annotations: { 'deployment.kubernetes.io/revision': String(generation) },
        ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name, uid: d.metadata.uid, controller: true }],
      },
      spec: { replicas: 1, selector: { matchLabels: selector }, template },
    });
    if (rs.status !== 201) throw new Error(`ReplicaSet: ${rs.status} ${JSON.stringify(rs.body)}`);
    const podName = `${name}-${hash}-abcde`;
    const container = template.spec.containers[0].name;
    const pod = await call('POST', `/api/v1/namespaces/${namespace}/pods`, {
      apiVersion: 'v1', kind: 'Pod',
      metadata: {
        name: podName, namespace, labels: template.metadata.labels,
        ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: rs.body.metadata.name, uid: rs.body.metadata.uid, controller: true }],
      },
      spec: template.spec,
    });
    if (pod.status !== 201) throw new Error(`Pod: ${pod.status} ${JSON.stringify(pod.body)}`);
    await call('PATCH', `/api/v1/namespaces/${namespace}/pods/${podName}/status`, {
      status: {
        phase: 'Running',
        containerStatuses: [{
          name: container, restartCount: 4, ready: false, image: template.spec.containers[0].image, imageID: '',
          state: { waiting: { reason: 'CrashLoopBackOff', message: 'back-off 1m20s restarting failed container' } },
          lastState: { terminated: { exitCode: 1 } },
        }],
      },
    }, 'application/merge-patch+json');
  }

  async function step(d) {
    const name = d.metadata.name;
    const generation = d.metadata.generation ?? 0;
    const replicas = d.spec.replicas ?? 1;
    const status = d.status ?? {};
    const broken = (d.spec.template.spec.containers[0].image ?? '').includes('broken');
    const now = Date.now();
    if ((status.observedGeneration ?? 0) !== generation) {
      state.set(name, { lastStep: now });
      await setStatus(name, { observedGeneration: generation, replicas, updatedReplicas: replicas, readyReplicas: 0, availableReplicas: 0 });
      if (broken) await seedCrashLoop(d, generation);
      return;
    }
    const available = status.availableReplicas ?? 0;
    const s = state.get(name) ?? { lastStep: 0 };
    if (!broken && available < replicas && now - s.lastStep >= stepMs) {
      s.lastStep = now;
      state.set(name, s);
      await setStatus(name, { observedGeneration: generation, replicas, updatedReplicas: replicas, readyReplicas: available + 1, availableReplicas: available + 1 });
    }
  }

  const loop = (async () => {
    while (!stopped) {
      try {
        const list = await call('GET', deployments);
        if (list.status === 200) for (const d of list.body.items ?? []) await step(d);
      } catch (error) {
        if (++errors <= 3) console.error(`fake controller: ${error.message}`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  })();

  return {
    stop: async () => {
      stopped = true;
      await loop;
    },
  };
}
