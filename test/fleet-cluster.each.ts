// The "redis cluster" test project (jest.config.js): as the "redis fleet" project, but each test
// file gets a real three-master Redis Cluster (redis+cluster://…), so every key a script touches
// must be in one hash slot, and a change set's steps go to different nodes.
import { afterAll, afterEach, beforeAll } from '@jest/globals';
import { closeFleetApps, enableFleetMode } from './helpers.js';
import { RedisCluster } from './redis.js';

let cluster: RedisCluster | undefined;
beforeAll(async () => {
  cluster = await RedisCluster.start();
  enableFleetMode(cluster.url);
}, 120_000);
afterEach(closeFleetApps);
afterAll(async () => {
  await cluster?.destroy();
});
