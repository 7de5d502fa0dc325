// Every spec passes Spectral's OpenAPI ruleset ("spectral:oas", recommended rules) with no errors.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import spectralCore from '@stoplight/spectral-core';
import * as Parsers from '@stoplight/spectral-parsers';
import spectralRulesets from '@stoplight/spectral-rulesets';
import { specsDir } from '../src/paths.js';

const { Spectral, Document } = spectralCore;
const specs = readdirSync(specsDir).filter(f => f.endsWith('.yaml'));

test.each(specs)('%s passes the OpenAPI linter with no errors', async file => {
  const spectral = new Spectral();
  spectral.setRuleset({ extends: [[spectralRulesets.oas as never, 'recommended']] });
  const path = join(specsDir, file);
  const results = await spectral.run(new Document(readFileSync(path, 'utf8'), Parsers.Yaml, path));
  const errors = results
    .filter(r => r.severity === 0)
    .map(r => `${r.code} at ${r.path.join('.')}: ${r.message}`);
  expect(errors).toEqual([]);
});
