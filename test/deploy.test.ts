// The fleet's deployment files, checked offline: the Compose file with dclint, nginx's
// configuration with `nginx -t`, the Kubernetes manifests against the Kubernetes API schemas
// (kubernetes-models), and the wiring between them (ports, labels, probes, the store URL).
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DCLinter } from 'dclint';
import { parse, parseAllDocuments } from 'yaml';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { StatefulSet } from 'kubernetes-models/apps/v1/StatefulSet';
import { Service } from 'kubernetes-models/v1/Service';
import { ensureNginx, NGINX } from './redis.js';
import { nginxConfig } from './fleet.js';

const models: Record<string, new (data: never) => { validate(): void }> = {
  'apps/v1/Deployment': Deployment,
  'apps/v1/StatefulSet': StatefulSet,
  'v1/Service': Service,
};

test('deploy/compose.yaml follows dclint: Redis, three sandbox servers on it, nginx in front', async () => {
  const [result] = new DCLinter({ rules: {}, quiet: false, debug: false, exclude: [] }).lintFiles(['deploy/compose.yaml'], false);
  expect(result.messages).toEqual([]);
  const { services } = parse(await readFile('deploy/compose.yaml', 'utf8'));
  const servers = Object.keys(services).filter(name => name.startsWith('sandbox-'));
  expect(servers).toHaveLength(3);
  for (const name of servers) {
    expect(services[name].environment.SANDBOX_STORE).toBe('redis://redis:6379/0');
    expect(services[name].depends_on.redis.condition).toBe('service_healthy');
  }
  expect(services.redis.command).toEqual(expect.arrayContaining(['--appendonly', 'yes', '--appendfsync', 'everysec']));
  expect(services.lb.volumes).toContain('./nginx.conf:/etc/nginx/nginx.conf:ro');
  const conf = await readFile('deploy/nginx.conf', 'utf8');
  expect([...conf.matchAll(/server (sandbox-\d):4010/g)].map(m => m[1])).toEqual(servers);
});

test('deploy/nginx.conf passes nginx -t (with loopback servers in place of the Compose services)', async () => {
  const missing = ensureNginx();
  if (missing) throw new Error(missing);
  const dir = await mkdtemp(join(tmpdir(), 'sandbox-nginx-'));
  try {
    const file = join(dir, 'nginx.conf');
    await writeFile(file, nginxConfig(await readFile('deploy/nginx.conf', 'utf8'), ['127.0.0.1:1', '127.0.0.1:2', '127.0.0.1:3'], 4010, dir));
    const out = execFileSync(NGINX, ['-t', '-p', dir, '-c', file, '-e', join(dir, 'error.log')], { stdio: 'pipe', encoding: 'utf8' });
    expect(out).toBe('');
  } catch (error) {
    throw new Error(`nginx -t failed: ${(error as { stderr?: string }).stderr ?? error}`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('the Kubernetes manifests are valid API objects, and the Service and probes reach the sandbox', async () => {
  const objects: Array<Record<string, any>> = [];
  for (const file of ['deploy/kubernetes/sandbox.yaml', 'deploy/kubernetes/redis.yaml']) {
    for (const doc of parseAllDocuments(await readFile(file, 'utf8'))) {
      expect(doc.errors).toEqual([]);
      const object = doc.toJS();
      const Model = models[`${object.apiVersion}/${object.kind}`];
      expect(Model).toBeDefined();
      expect(() => new Model(object as never).validate()).not.toThrow();
      objects.push(object);
    }
  }
  const find = (kind: string, name: string) => objects.find(o => o.kind === kind && o.metadata.name === name)!;
  const deployment = find('Deployment', 'banking-api-sandbox');
  const service = find('Service', 'banking-api-sandbox');
  expect(deployment.spec.replicas).toBe(3);
  expect(deployment.spec.strategy.rollingUpdate.maxUnavailable).toBe(0);
  expect(deployment.spec.template.metadata.labels).toMatchObject(service.spec.selector);
  expect(deployment.spec.selector.matchLabels).toEqual(service.spec.selector);
  const [container] = deployment.spec.template.spec.containers;
  const env = Object.fromEntries(container.env.map((e: { name: string }) => [e.name, e]));
  expect(env.HOST.value).toBe('0.0.0.0');
  expect(env.SANDBOX_STORE.valueFrom.secretKeyRef.key).toBe('store');
  expect(container.ports[0]).toEqual({ name: 'http', containerPort: Number(env.PORT.value) });
  expect(service.spec.ports[0].targetPort).toBe('http');
  // The readiness probe asks /__sandbox/health from inside the pod, with the admin token.
  const probe = container.readinessProbe.exec.command.join(' ');
  expect(probe).toContain(`http://127.0.0.1:${env.PORT.value}/__sandbox/health`);
  expect(probe).toContain('process.env.SANDBOX_ADMIN_TOKEN');
  // The Redis the comment's secret points at is the one redis.yaml serves.
  const redisService = find('Service', 'redis');
  expect(redisService.spec.ports[0].port).toBe(6379);
  expect(await readFile('deploy/kubernetes/sandbox.yaml', 'utf8')).toContain('--from-literal=store=redis://redis:6379/0');
});

test('the readiness probe command answers 0 against a running server and 1 without one', async () => {
  const deployment = parseAllDocuments(await readFile('deploy/kubernetes/sandbox.yaml', 'utf8'))[0].toJS();
  const [node, flag, script] = deployment.spec.template.spec.containers[0].readinessProbe.exec.command as string[];
  expect([node, flag]).toEqual(['node', '-e']);
  const { startServer, stop } = await import('./process.js');
  const server = await startServer(['--in-memory', '--port', '0'], { SANDBOX_ADMIN_TOKEN: 'tok' });
  try {
    const port = new URL(server.url).port;
    const probe = (text: string, token: string) => {
      try {
        execFileSync(process.execPath, ['-e', text], { env: { ...process.env, SANDBOX_ADMIN_TOKEN: token }, stdio: 'pipe' });
        return 0;
      } catch (error) {
        return (error as { status: number }).status;
      }
    };
    const here = script.replace('127.0.0.1:4010', `127.0.0.1:${port}`);
    expect(probe(here, 'tok')).toBe(0);
    expect(probe(here, 'wrong')).toBe(1);
  } finally {
    await stop(server);
  }
});
