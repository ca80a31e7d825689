// End-to-end tests of the web UI: Debian's Chromium (headless, playwright-core)
// against a real `pier serve` on loopback that each suite starts itself, once
// with a gitops target only and once with the Kubernetes API server double.
// Screenshots of every page go to web/test-output/.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { apiCall, startKubeDouble, startPier } from './support/pier.mjs';
import { launch, newPage, screenshot, signIn } from './support/browser.mjs';
import { startFakeController } from './support/kube.mjs';

const PHONE = { width: 390, height: 844 };

function deployRequests(page) {
  const seen = [];
  page.on('request', (r) => {
    if (r.method() === 'POST' && /\/api\/v1\/releases\/.*\/deploy$/.test(r.url())) seen.push(JSON.parse(r.postData() ?? '{}'));
  });
  return seen;
}

// Inputs without a label (a <label>, aria-label or aria-labelledby).
async function unlabeled(page) {
  return page.evaluate(() => [...document.querySelectorAll('input, select, textarea')]
    .filter((el) => el.type !== 'hidden')
    .filter((el) => !(el.labels && el.labels.length > 0) && !el.getAttribute('aria-label') && !el.getAttribute('aria-labelledby'))
    .map((el) => el.id || el.outerHTML.slice(0, 80)));
}

async function startDeploy(page, { app, cluster, namespace, name }) {
  await page.getByRole('link', { name: 'Deploy', exact: true }).click();
  await page.getByRole('button', { name: `Choose ${app}` }).click();
  if (cluster) await page.getByLabel('Cluster').selectOption(cluster);
  await page.getByLabel('Namespace').fill(namespace);
  await page.getByLabel('Release name').fill(name);
  await page.getByRole('button', { name: 'Next: values' }).click();
}

// The progress panel's outcome, once the `end` event has arrived.
async function waitForOutcome(page, status, timeout = 30000) {
  await page.locator(`.progress.status-${status}`).waitFor({ timeout });
}

describe('web UI against pier serve with a gitops target', () => {
  let pier;
  let browser;
  let page;
  let problems;

  before(async () => {
    pier = await startPier();
    browser = await launch();
    ({ page, problems } = await newPage(browser));
  });

  after(async () => {
    await browser?.close();
    await pier?.stop();
  });

  test('sign-in refuses a wrong token and accepts the admin token', async () => {
    await page.goto(pier.url + '/');
    await page.getByLabel('API token').fill('pier_not-a-real-token');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByText('The console does not accept this token').waitFor();
    await screenshot(page, '01-login-refused');
    await signIn(page, pier.url, pier.adminToken);
    await page.getByText('No releases yet.').waitFor();
    assert.equal(await page.evaluate(() => sessionStorage.getItem('pier.token')), pier.adminToken);
    await page.getByRole('link', { name: 'Audit log' }).waitFor();
    await screenshot(page, '02-releases-empty');
    assert.deepEqual(await unlabeled(page), []);
  });

  test('a client routes survive a reload (the console serves index.html for them)', async () => {
    await page.goto(pier.url + '/deploy');
    await page.getByRole('heading', { name: 'Choose an app' }).waitFor();
    await screenshot(page, '03-deploy-choose-app');
  });

  test('deploy jetty through the form: client and server errors, review, progress to deployed', async () => {
    const sent = deployRequests(page);
    await page.goto(pier.url + '/');
    await startDeploy(page, { app: 'jetty', namespace: 'shop', name: '1web' });
    // The form is generated from schema.json and ui.json.
    const image = page.getByLabel('Image name');
    await image.waitFor();
    await page.getByRole('heading', { name: 'Global', level: 3 }).waitFor();
    await page.getByRole('heading', { name: 'Jetty', level: 3 }).waitFor();
    await page.getByRole('heading', { name: 'MooseFS', level: 3 }).waitFor();
    assert.equal(await page.getByRole('switch', { name: 'Create namespace' }).count(), 1, 'booleans are switches');
    assert.equal(await page.getByRole('radio', { name: 'registry.example.com' }).count(), 1, 'ui.json: registry as radios');
    // Defaults pre-filled from the default preset, templates resolved by the server.
    await assert.doesNotReject(page.getByLabel('Organization').and(page.locator('[value="demo"]')).waitFor());
    assert.equal(await page.getByLabel('Image version').inputValue(), '1.0.0');
    assert.equal(await page.getByLabel('JVM initial heap (-Xms)').inputValue(), '1536m');
    assert.equal(await page.getByLabel('Claim name').inputValue(), 'demo-mfs');
    // Advanced fields are folded away until asked for.
    assert.equal(await page.getByLabel('Readiness path').isVisible(), false);
    await page.getByText('Advanced (15 settings)').click();
    await page.getByLabel('Readiness path').waitFor();
    // A free-form map (environment variables): name and value, each labelled.
    await page.getByRole('button', { name: 'Add environment' }).click();
    await page.getByLabel('Name', { exact: true }).fill('LANG');
    await page.getByLabel('Name', { exact: true }).blur();
    await page.getByLabel('Value of LANG').fill('C.UTF-8');
    // A default that follows another field follows it here too (-Xms follows -Xmx).
    await page.getByLabel('JVM max heap (-Xmx)').fill('3g');
    await page.waitForFunction(() => document.querySelector('#v_jetty_jvm_xms')?.value === '3g');
    await screenshot(page, '05-form');
    assert.deepEqual(await unlabeled(page), []);

    // A client-side error as you type, and it blocks the review.
    await image.fill('hello-web');
    const replicas = page.getByLabel('Replicas', { exact: true });
    await replicas.fill('0');
    await page.locator('[data-field="v_jetty_replicas"] .field-errors').getByText('must be at least 1').waitFor();
    await page.getByRole('button', { name: 'Review changes' }).click();
    await page.getByText('One value needs fixing before the review').waitFor();
    await screenshot(page, '06-form-client-error');
    assert.equal(sent.length, 0, 'no invalid value reached the server');
    await replicas.fill('3');
    await page.locator('[data-field="v_jetty_replicas"] .field-errors').waitFor({ state: 'detached' });

    // A server-only check: "1web" is a fine namespace-style name, but the
    // Service it names must start with a letter.
    await page.getByRole('button', { name: 'Review changes' }).click();
    await page.getByText('The console refused these values').waitFor();
    await page.getByText(/must be a DNS-1035 label/).waitFor();
    await screenshot(page, '07-form-server-error');
    assert.equal(sent.length, 1);

    // A server whose schema is stricter than the form's (a catalog updated
    // since the page loaded): its 422 lands on the field its pointer names.
    await page.getByRole('button', { name: 'Back' }).click();
    await page.getByLabel('Release name').fill('web');
    await page.getByRole('button', { name: 'Next: values' }).click();
    await image.waitFor();
    await page.route('**/api/v1/releases/local/shop/web/deploy', async (route) => {
      const body = JSON.parse(route.request().postData());
      body.values.jetty.target_cpu = 5;
      await route.continue({ postData: JSON.stringify(body) });
    });
    await image.fill('hello-web');
    await page.getByLabel('Replicas', { exact: true }).fill('3');
    await page.getByRole('button', { name: 'Review changes' }).click();
    const targetCpu = page.locator('[data-field="v_jetty_target_cpu"]');
    await targetCpu.locator('.field-errors').getByText('must be >= 10').waitFor();
    await screenshot(page, '07b-form-server-field-error');
    await page.unroute('**/api/v1/releases/local/shop/web/deploy');
    // Editing the field clears the server's error on it.
    await page.getByLabel('Target CPU (%)').fill('75');
    await targetCpu.locator('.field-errors').waitFor({ state: 'detached' });

    // Review: the server's diff against what is live.
    await page.getByLabel('Change message').fill('first deploy');
    await page.getByRole('button', { name: 'Review changes' }).click();
    await page.getByRole('heading', { name: 'Review: web in local/shop' }).waitFor();
    const counts = page.getByRole('list', { name: 'Objects by change' });
    assert.match(await counts.innerText(), /6\s*added/);
    await page.getByText('Deployment shop/web', { exact: true }).waitFor();
    await page.getByLabel('Values diff').getByText(/^\+\s+replicas: 3\s*$/).waitFor();
    await page.getByLabel('Values diff').getByText(/^\+\s+LANG: C.UTF-8\s*$/).waitFor();
    await screenshot(page, '08-review');
    const dryRun = sent[sent.length - 1];
    assert.equal(dryRun.dry_run, true);
    assert.equal(dryRun.values.jetty.image, 'hello-web');
    assert.equal(dryRun.values.jetty.host, undefined, 'only what the user set is sent; the server resolves the rest');

    // Deploy: 202, then the live progress on the release page.
    await page.getByRole('button', { name: 'Deploy', exact: true }).click();
    await page.waitForURL(/\/releases\/local\/shop\/web\?operation=\d+/);
    await waitForOutcome(page, 'succeeded');
    await page.getByText('Applied 6/6', { exact: true }).waitFor();
    await page.getByRole('status').getByText('Revision 1 deployed').waitFor();
    await screenshot(page, '09-deployed');
    await page.getByRole('cell', { name: 'first deploy', exact: true }).waitFor();
  });

  test('upgrade with a changed value shows the diff; rollback shows its diff before it runs', async () => {
    await page.getByRole('button', { name: 'Upgrade' }).click();
    await page.getByRole('heading', { name: 'Upgrade web' }).waitFor();
    const replicas = page.getByLabel('Replicas', { exact: true });
    await page.waitForFunction(() => document.querySelector('#v_jetty_replicas')?.value === '3');
    assert.equal(await page.getByLabel('Image name').inputValue(), 'hello-web', 'the form starts from the live values');
    await page.getByRole('switch', { name: 'Autoscaling' }).click();
    await replicas.fill('5');
    await page.getByLabel('Change message').fill('five replicas, no autoscaling');
    await page.getByRole('button', { name: 'Review changes' }).click();
    await page.getByRole('button', { name: 'Deploy revision 2' }).waitFor();
    const values = page.getByLabel('Values diff');
    await values.getByText(/^-\s+replicas: 3\s*$/).waitFor();
    await values.getByText(/^\+\s+replicas: 5\s*$/).waitFor();
    assert.match(await page.getByRole('list', { name: 'Objects by change' }).innerText(), /1\s*changed[\s\S]*1\s*removed/);
    await page.getByLabel('Diff of Deployment shop/web').getByText(/^\+\s+replicas: 5\s*$/).waitFor();
    await screenshot(page, '10-upgrade-review');
    await page.getByRole('button', { name: 'Deploy revision 2' }).click();
    await waitForOutcome(page, 'succeeded');
    await page.getByRole('cell', { name: 'five replicas, no autoscaling', exact: true }).waitFor();

    // Roll back to revision 1: the dry run's diff first, then the real one.
    await page.getByRole('button', { name: 'Roll back to revision 1' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Values diff').getByText(/^\+\s+replicas: 3\s*$/).waitFor();
    assert.equal((await apiCall(pier, 'GET', '/releases/local/shop/web')).body.revision, 2, 'nothing ran yet');
    await screenshot(page, '11-rollback-confirm');
    await dialog.getByRole('button', { name: 'Roll back to revision 1' }).click();
    await page.getByRole('dialog').waitFor({ state: 'hidden' });
    await waitForOutcome(page, 'succeeded');
    await page.getByRole('cell', { name: 'roll back to revision 1', exact: true }).waitFor();
    const history = (await apiCall(pier, 'GET', '/releases/local/shop/web/revisions')).body;
    assert.deepEqual(history.map((r) => [r.revision, r.status]), [[3, 'deployed'], [2, 'superseded'], [1, 'superseded']]);
    await screenshot(page, '12-release-after-rollback');
  });

  test('history: values and manifests of any revision, diff between any two, save as preset', async () => {
    await page.getByRole('button', { name: 'View revision 2' }).click();
    await page.getByRole('heading', { name: 'Revision 2', exact: true }).waitFor();
    await page.getByRole('tabpanel').getByText('"replicas": 5').waitFor();
    await page.getByRole('tab', { name: 'Manifests' }).click();
    await page.getByRole('tabpanel').getByText('kind: Deployment').waitFor();
    await page.getByLabel('From', { exact: true }).selectOption('1');
    await page.getByLabel('To', { exact: true }).selectOption('2');
    await page.getByRole('button', { name: 'Show the diff' }).click();
    await page.getByRole('heading', { name: 'Revision 1 → revision 2' }).waitFor();
    await page.getByLabel('Diff of HorizontalPodAutoscaler shop/web').waitFor();
    await screenshot(page, '13-revisions-and-diff');
    assert.deepEqual(await unlabeled(page), []);

    await page.getByRole('button', { name: 'Save values as preset' }).click();
    await page.getByLabel('Preset name').fill('shop-web');
    await page.getByRole('button', { name: 'Save preset' }).click();
    await page.getByText('Saved the preset shop-web').waitFor();
    await screenshot(page, '14-preset-saved');
    await page.getByRole('button', { name: 'Done' }).click();
    const presets = (await apiCall(pier, 'GET', '/apps/jetty/presets')).body;
    assert.ok(presets.some((p) => p.name === 'shop-web' && p.values.jetty.image === 'hello-web'));
    // The saved preset is offered by the deploy form.
    await page.goto(pier.url + '/deploy?app=jetty');
    await page.getByLabel('Namespace').fill('shop');
    await page.getByLabel('Release name').fill('web2');
    await page.getByRole('button', { name: 'Next: values' }).click();
    await page.getByLabel('Preset').selectOption('shop-web');
    await page.waitForFunction(() => document.querySelector('#v_jetty_image')?.value === 'hello-web');
  });

  test('release list: filters, search and cursor paging', async () => {
    for (const [ns, name, app, values] of [
      ['cache', 'sessions', 'redis', {}],
      ['cache', 'catalog', 'redis', { redis: { replicas: 2 } }],
      ['edge', 'ingress', 'nginx-ingress', {}],
    ]) {
      const r = await apiCall(pier, 'POST', `/releases/local/${ns}/${name}/deploy`, { app, values, message: `seed ${name}` });
      assert.equal(r.status, 202, r.text);
    }
    await page.goto(pier.url + '/');
    await page.getByRole('link', { name: 'sessions' }).waitFor();
    await screenshot(page, '15-releases');
    await page.getByLabel('App').selectOption('redis');
    await page.getByRole('button', { name: 'Filter', exact: true }).click();
    await page.waitForURL(/app=redis/);
    await page.getByRole('link', { name: 'catalog' }).waitFor();
    // The URL changes before the filtered list arrives: wait for the table
    // to have only the redis releases before looking at what is missing.
    await page.waitForFunction(() => document.querySelectorAll('.release-table tbody tr').length === 2);
    assert.equal(await page.getByRole('link', { name: 'web', exact: true }).count(), 0);
    assert.equal(await page.locator('.release-table tbody tr').count(), 2);
    await page.getByLabel('Search names').fill('sess');
    await page.getByRole('button', { name: 'Filter', exact: true }).click();
    await page.waitForURL(/q=sess/);
    await page.waitForFunction(() => document.querySelectorAll('.release-table tbody tr').length === 1);
    await screenshot(page, '16-releases-filtered');
    await page.getByRole('button', { name: 'Clear filters' }).click();
    await page.getByLabel('Status').selectOption('failed');
    await page.getByRole('button', { name: 'Filter', exact: true }).click();
    await page.getByText('No release matches these filters.').waitFor();
    // Cursor paging, one per page.
    await page.goto(pier.url + '/?limit=2');
    await page.waitForFunction(() => document.querySelectorAll('.release-table tbody tr').length === 2);
    const first = await page.locator('.release-table tbody td:first-child').allInnerTexts();
    await page.getByRole('button', { name: 'Next page' }).click();
    await page.waitForURL(/after=/);
    await page.waitForFunction((names) => {
      const now = [...document.querySelectorAll('.release-table tbody td:first-child')].map((td) => td.textContent);
      return now.length > 0 && !now.some((n) => names.includes(n));
    }, first);
    const second = await page.locator('.release-table tbody td:first-child').allInnerTexts();
    await page.getByRole('button', { name: 'Previous page' }).click();
    await page.waitForFunction((names) => document.querySelector('.release-table tbody td')?.textContent === names[0], first);
    const all = new Set([...first, ...second]);
    assert.ok(all.size >= 4, `paging showed ${[...all]}`);
  });

  test('audit log for admins', async () => {
    await page.getByRole('link', { name: 'Audit log' }).click();
    await page.getByRole('heading', { name: 'Audit log' }).waitFor();
    await page.getByRole('cell', { name: 'release.rollback', exact: true }).waitFor();
    await page.getByRole('cell', { name: 'preset.save', exact: true }).waitFor();
    await screenshot(page, '17-audit');
    assert.deepEqual(await unlabeled(page), []);
    await page.getByLabel('Action').selectOption('release.install');
    await page.getByRole('button', { name: 'Filter', exact: true }).click();
    await page.waitForFunction(() => [...document.querySelectorAll('.audit-table tbody tr')].every((tr) => tr.textContent.includes('release.install')));
  });

  test('a dropped event stream reconnects with Last-Event-ID and catches up', async () => {
    const started = await apiCall(pier, 'POST', '/releases/local/shop/web/deploy', {
      app: 'jetty', values: { jetty: { image: 'hello-web', replicas: 2 } }, message: 'stream test',
    });
    assert.equal(started.status, 202, started.text);
    const id = started.body.operation.id;
    const lastEventIds = [];
    await page.route(`**/api/v1/operations/${id}/events`, async (route) => {
      lastEventIds.push(route.request().headers()['last-event-id'] ?? '');
      if (lastEventIds.length > 1) return route.continue();
      // The first answer: the real events in CRLF lines, with comments and
      // data split over two lines, cut after event 5 in the middle of event 6.
      const real = await (await route.fetch()).text();
      const events = real.split('\n\n').filter((block) => block.startsWith('id: ') && Number(block.slice(4, block.indexOf('\n'))) <= 6);
      let body = ': hello\r\nretry: 300\r\n\r\n';
      for (const block of events) {
        const lines = block.split('\n').flatMap((line) => {
          if (!line.startsWith('data: ')) return [line];
          const json = line.slice(6);
          const cut = json.indexOf(',') + 1;
          return [`data: ${json.slice(0, cut)}`, `data: ${json.slice(cut)}`, ': keepalive'];
        });
        body += lines.join('\r\n') + '\r\n\r\n';
      }
      body = body.slice(0, body.lastIndexOf('id: 6') + 20); // event 6 never completes
      await route.fulfill({ status: 200, headers: { 'Content-Type': 'text/event-stream' }, body });
    });
    await page.goto(`${pier.url}/operations/${id}`);
    await page.waitForURL(/\/releases\/local\/shop\/web\?operation=/);
    await waitForOutcome(page, 'succeeded');
    assert.deepEqual(lastEventIds, ['', '5'], 'resumed after the last complete event');
    await page.locator('.steps summary').click();
    const steps = await page.getByRole('list', { name: 'Steps' }).locator('li').allInnerTexts();
    const applied = steps.filter((s) => s.includes('applied 1/6'));
    assert.equal(applied.length, 1, `every event once: ${steps.join(' | ')}`);
    assert.equal(steps.length, 10);
    await page.unroute(`**/api/v1/operations/${id}/events`);
  });

  test('roles: a viewer sees no deploy buttons, a deployer no audit log', async () => {
    const viewer = await apiCall(pier, 'POST', '/tokens', { user: 'vic', role: 'viewer' });
    assert.equal(viewer.status, 201, viewer.text);
    const { context, page: viewerPage } = await newPage(browser);
    try {
      await signIn(viewerPage, pier.url, viewer.body.token);
      await viewerPage.getByRole('link', { name: 'web', exact: true }).waitFor();
      assert.equal(await viewerPage.getByRole('link', { name: 'New deployment' }).count(), 0);
      assert.equal(await viewerPage.getByRole('link', { name: 'Deploy', exact: true }).count(), 0);
      assert.equal(await viewerPage.getByRole('link', { name: 'Audit log' }).count(), 0);
      await viewerPage.getByText('viewer', { exact: true }).waitFor();
      await screenshot(viewerPage, '18-viewer-releases');
      await viewerPage.getByRole('link', { name: 'web', exact: true }).click();
      await viewerPage.getByRole('heading', { name: 'History' }).waitFor();
      await viewerPage.getByRole('button', { name: 'View revision 1' }).waitFor();
      assert.equal(await viewerPage.getByRole('button', { name: 'Upgrade' }).count(), 0);
      assert.equal(await viewerPage.getByRole('button', { name: /Roll back/ }).count(), 0);
      assert.equal(await viewerPage.getByRole('button', { name: 'Save values as preset' }).count(), 0);
      await screenshot(viewerPage, '19-viewer-release');
    } finally {
      await context.close();
    }
    const deployer = await apiCall(pier, 'POST', '/tokens', { user: 'dee', role: 'deployer', scopes: ['local/shop'] });
    const { context: c2, page: deployerPage } = await newPage(browser);
    try {
      await signIn(deployerPage, pier.url, deployer.body.token);
      await deployerPage.getByRole('link', { name: 'New deployment' }).waitFor();
      assert.equal(await deployerPage.getByRole('link', { name: 'Audit log' }).count(), 0);
    } finally {
      await c2.close();
    }
    // A console without GET /api/v1/whoami (404): the UI finds the role out
    // by asking: /tokens answers admins only, and a preset PUT with an empty
    // body is refused with 403 before it is read when the role is below deployer.
    for (const [token, role, deploy, audit] of [
      [viewer.body.token, 'viewer', 0, 0],
      [deployer.body.token, 'deployer', 1, 0],
      [pier.adminToken, 'admin', 1, 1],
    ]) {
      const { context: c3, page: oldConsole } = await newPage(browser);
      try {
        await oldConsole.route('**/api/v1/whoami', (route) =>
          route.fulfill({ status: 404, contentType: 'application/json', body: '{"error":"no route for GET /api/v1/whoami"}' }));
        await signIn(oldConsole, pier.url, token);
        await oldConsole.locator(`.badge.role-${role}`).waitFor();
        assert.equal(await oldConsole.getByRole('link', { name: 'Deploy', exact: true }).count(), deploy, role);
        assert.equal(await oldConsole.getByRole('link', { name: 'Audit log' }).count(), audit, role);
      } finally {
        await c3.close();
      }
    }
    assert.equal((await apiCall(pier, 'GET', '/apps/jetty/presets/-role-probe-')).status, 404, 'the probe saved nothing');
  });

  test('phone width: pages fit and stay usable', async () => {
    const { context, page: phone, problems: phoneProblems } = await newPage(browser, PHONE);
    try {
      await signIn(phone, pier.url, pier.adminToken);
      await screenshot(phone, '20-phone-releases');
      await phone.goto(pier.url + '/releases/local/shop/web');
      await phone.getByRole('heading', { name: 'History' }).waitFor();
      await screenshot(phone, '21-phone-release');
      await phone.goto(pier.url + '/deploy?app=redis&cluster=local&namespace=cache&name=sessions');
      await phone.getByLabel('Memory limit').waitFor();
      await phone.getByLabel('Password').waitFor();
      await screenshot(phone, '22-phone-form');
      const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(overflow <= 0, `the form is ${overflow}px wider than the phone`);
      assert.deepEqual(phoneProblems, []);
    } finally {
      await context.close();
    }
  });

  test('keyboard and labels: every input has a label; the deploy flow works from the keyboard', async () => {
    await page.goto(pier.url + '/deploy?app=nginx-ingress&cluster=local&namespace=edge&name=ingress');
    await page.getByLabel('Ingress class').waitFor();
    for (const fold of await page.locator('details.advanced > summary').all()) await fold.click();
    assert.deepEqual(await unlabeled(page), []);
    await screenshot(page, '23-nginx-form-advanced');
    // From the keyboard: focus the release name's page, Tab to the first
    // field and Enter submits the form (the review).
    await page.getByLabel('Change message').focus();
    await page.keyboard.type('keyboard deploy');
    await page.getByLabel('Change message').press('Tab');
    await page.getByRole('button', { name: 'Review changes' }).focus();
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: /^Review: ingress/ }).waitFor();
    const focused = await page.evaluate(() => document.activeElement?.textContent);
    assert.match(focused ?? '', /Review: ingress/, 'focus moves to the step heading');
  });

  test('no page error, no request outside loopback', () => {
    assert.deepEqual(problems, []);
  });

  test('a broken console answer is a readable message, not a blank page', async () => {
    const releases = /\/api\/v1\/releases\?/;
    await page.route(releases, (route) => route.fulfill({ status: 503, contentType: 'text/plain', body: 'upstream down' }));
    await page.goto(pier.url + '/');
    await page.getByText('Could not load the releases').waitFor();
    await page.getByText(/database is unavailable/).first().waitFor();
    await screenshot(page, '24-server-error');
    await page.unroute(releases);
    await page.goto(pier.url + '/no/such/page');
    await page.getByRole('heading', { name: 'Not found' }).waitFor();
  });
});

describe('web UI against pier serve with the Kubernetes API double', () => {
  let double;
  let pier;
  let browser;
  let page;
  let problems;
  let controller;

  before(async () => {
    double = await startKubeDouble();
    pier = await startPier({
      kubeconfig: double.kubeconfig,
      clusters: [
        'datacenters:',
        '  - name: beijing',
        '    contexts: [double]',
        'gitops:',
        '  - name: archive',
        '    dir: gitops',
        '    datacenter: shanghai',
        '',
      ].join('\n'),
    });
    controller = startFakeController(double, 'shop');
    browser = await launch();
    ({ page, problems } = await newPage(browser));
    await signIn(page, pier.url, pier.adminToken);
  });

  after(async () => {
    await browser?.close();
    await controller?.stop();
    await pier?.stop();
    await double?.stop();
  });

  test('clusters are grouped by data center; the rollout is followed to deployed', async () => {
    await page.getByRole('link', { name: 'Deploy', exact: true }).click();
    await page.getByRole('button', { name: 'Choose jetty' }).click();
    await page.locator('#cluster optgroup').nth(1).waitFor({ state: 'attached' });
    const groups = await page.locator('#cluster optgroup').evaluateAll((els) => els.map((g) => `${g.label}: ${[...g.children].map((o) => o.value).join(',')}`));
    assert.deepEqual(groups, ['Data center beijing: double', 'Data center shanghai: archive']);
    await page.getByLabel('Cluster').selectOption('double');
    await page.getByLabel('Namespace').fill('shop');
    await page.getByLabel('Release name').fill('web');
    await screenshot(page, 'kube-01-where');
    assert.deepEqual(await unlabeled(page), []);
    await page.getByRole('button', { name: 'Next: values' }).click();
    await page.getByLabel('Image name').fill('hello-web');
    await page.getByRole('switch', { name: 'Create namespace' }).check();
    await page.getByRole('switch', { name: 'Autoscaling' }).uncheck();
    await page.getByLabel('Replicas', { exact: true }).fill('3');
    await page.getByRole('button', { name: 'Review changes' }).click();
    await page.getByText('Namespace shop', { exact: true }).waitFor();
    await page.getByText(/namespace shop does not exist yet/).first().waitFor();
    await page.getByRole('button', { name: 'Deploy', exact: true }).click();
    await page.getByText(/1 of 3 updated replicas are available/).first().waitFor({ timeout: 20000 });
    await screenshot(page, 'kube-02-rollout');
    await waitForOutcome(page, 'succeeded');
    await page.locator('.steps summary').click();
    const steps = await page.getByRole('list', { name: 'Steps' }).innerText();
    assert.match(steps, /0 of 3 updated replicas are available/);
    assert.match(steps, /deployment "web" successfully rolled out/);
    await screenshot(page, 'kube-03-deployed');
  });

  test('a crash-looping pod fails the upgrade and says why', async () => {
    await page.getByRole('button', { name: 'Upgrade' }).click();
    await page.waitForFunction(() => document.querySelector('#v_jetty_image')?.value === 'hello-web');
    await page.getByLabel('Image name').fill('broken-web');
    await page.getByRole('button', { name: 'Review changes' }).click();
    await page.getByLabel('Diff of Deployment shop/web').getByText('broken-web').first().waitFor();
    await page.getByRole('button', { name: 'Deploy revision 2' }).click();
    await waitForOutcome(page, 'failed', 30000);
    const box = page.locator('.pod-problems');
    await box.getByText('CrashLoopBackOff').waitFor();
    await box.getByText(/web-5d8f7c2-abcde/).waitFor();
    await page.locator('.status-detail').getByText(/CrashLoopBackOff/).first().waitFor();
    await screenshot(page, 'kube-04-crashloop');
    const release = (await apiCall(pier, 'GET', '/releases/double/shop/web')).body;
    assert.equal(release.status, 'failed');
    assert.equal(release.deployed_revision, 1);
  });

  test('no page error, no request outside loopback', () => {
    assert.deepEqual(problems, []);
  });
});
