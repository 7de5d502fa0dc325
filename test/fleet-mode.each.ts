// The "redis fleet" test project (jest.config.js): each test file gets a real Redis, and its
// testApp() builds three app instances on it behind a round-robin dispatcher (closed after each test).
import { afterAll, afterEach, beforeAll } from '@jest/globals';
import { closeFleetApps, enableFleetMode } from './helpers.js';
import { RedisServer } from './redis.js';

let redis: RedisServer | undefined;
beforeAll(async () => {
  redis = await RedisServer.start({ appendfsync: 'no' });
  enableFleetMode(redis.url);
}, 120_000);
afterEach(closeFleetApps);
afterAll(async () => {
  await redis?.destroy();
});
