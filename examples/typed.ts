// Example: the programmatic API from TypeScript (the package ships its types). The package test
// type-checks this file with tsc in a project where only the packed package is installed.
import { startSandbox, type JournalEntry, type RunningSandbox, type SandboxHandle } from 'banking-api-sandbox';

export async function createdAccounts(): Promise<JournalEntry[]> {
  const server: RunningSandbox = await startSandbox({ port: 0, seed: 1 });
  try {
    const sandbox: SandboxHandle = server.sandbox('typed-example');
    const res = await fetch(`${server.baseUrl('upvest')}/payments/reference_accounts/c18f80bd-401e-4836-9776-7dc24c32d35e`, {
      headers: { ...sandbox.headers, 'upvest-client-id': '8c8d2e1f-3b4a-4c5d-9e6f-7a8b9c0d1e2f', authorization: 'Bearer test' },
    });
    const status: number = res.status;
    const first: JournalEntry = await sandbox.waitFor({ operationId: 'getReferenceAccount', status }, { timeoutMs: 2000 });
    await sandbox.verify({ api: 'upvest' }, { count: 1 });
    await sandbox.reset();
    return [first, ...(await sandbox.journal({ method: 'GET' }))];
  } finally {
    await server.close();
  }
}
