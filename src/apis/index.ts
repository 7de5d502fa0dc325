// The provider APIs this sandbox serves, each mounted at /<slug>.
import type { ApiModule } from '../core/api-module.js';
import { bankingservice } from './bankingservice/index.js';
import { masstack } from './masstack/index.js';
import { pagonxt } from './pagonxt/index.js';
import { payex } from './payex/index.js';
import { upvest } from './upvest/index.js';

export const apis: readonly ApiModule[] = [masstack, payex, bankingservice, upvest, pagonxt];
