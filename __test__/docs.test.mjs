// The README and docs/ say what is true in this repository: every relative link
// reaches a file (and a heading, for a `#` link), every docs/ page is reachable
// from the README, the README stays short, every repository path and `npm run`
// script they name exists, every JSON example parses, and every full connector
// config among the examples passes that connector's own guard.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

import { createAliyunSmsConnector, createSmsRouterConnector, createTencentSmsConnector } from '../index.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const README_MAX_LINES = 200;

const docsPages = readdirSync(path.join(root, 'docs'))
  .filter((file) => file.endsWith('.md'))
  .map((file) => path.join('docs', file));
const connectorPages = readdirSync(path.join(root, 'connectors')).map((name) => path.join('connectors', name, 'README.md'));
/** The pages whose links, paths, scripts and examples are checked. */
const pages = ['README.md', ...docsPages, ...connectorPages];
const read = (page) => readFileSync(path.join(root, page), 'utf8');

/** Fenced code blocks, with their info string, and the text outside them. */
const split = (text) => {
  const blocks = [];
  const prose = [];
  let open;
  for (const line of text.split('\n')) {
    const fence = /^\s*```(\S*)/.exec(line);
    if (fence && !open) {
      open = { lang: fence[1], lines: [] };
    } else if (fence && open) {
      blocks.push({ lang: open.lang, text: open.lines.join('\n') });
      open = undefined;
    } else if (open) {
      open.lines.push(line);
    } else {
      prose.push(line);
    }
  }
  return { blocks, prose: prose.join('\n') };
};

/** GitHub's anchors for a page's headings (`## Redis, for several replicas` → `redis-for-several-replicas`). */
const anchors = (page) => {
  const seen = new Map();
  const out = new Set();
  for (const [, heading] of split(read(page)).prose.matchAll(/^#{1,6}\s+(.+?)\s*#*\s*$/gm)) {
    const base = heading
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .replace(/\s/g, '-');
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    out.add(count === 0 ? base : `${base}-${count}`);
  }
  return out;
};

const links = (page) =>
  [...split(read(page)).prose.matchAll(/\[[^\]]*\]\(([^)\s]+)\)/g)]
    .map((match) => match[1])
    .filter((target) => !/^[a-z][a-z0-9+.-]*:/i.test(target));

// Paths in this repository that the pages name in code (`src/refusal.rs`,
// `node scripts/longrun.mjs`); build outputs (dist/, native/, target/) are not among them.
const TRACKED = ['.ci', '__test__', 'bench', 'benches', 'connectors', 'docs', 'examples', 'fuzz', 'js', 'scripts', 'src'];
const pathPattern = new RegExp(`(?<![\\w./-])((?:${TRACKED.map((d) => d.replace('.', '\\.')).join('|')})/[\\w./-]*)`, 'g');
const codeOf = (page) => {
  const { blocks, prose } = split(read(page));
  return [...[...prose.matchAll(/`([^`\n]+)`/g)].map((m) => m[1]), ...blocks.map((b) => b.text)].join('\n');
};

describe('README and docs/', () => {
  it(`README.md is under ${README_MAX_LINES} lines`, () => {
    const lines = read('README.md').split('\n').length;
    assert.ok(lines < README_MAX_LINES, `README.md has ${lines} lines: move detail to docs/`);
  });

  it('every docs/ page is linked from the README', () => {
    const linked = new Set(links('README.md').map((target) => path.normalize(target.split('#')[0])));
    for (const page of docsPages) assert.ok(linked.has(path.normalize(page)), `${page} is not linked from README.md`);
  });

  for (const page of pages) {
    it(`${page}: every relative link reaches a file, and a heading when it names one`, () => {
      for (const target of links(page)) {
        const [file, anchor] = target.split('#');
        const resolved = file ? path.join(path.dirname(page), decodeURI(file)) : page;
        assert.ok(existsSync(path.join(root, resolved)), `${page}: ${target} does not exist`);
        if (anchor !== undefined && resolved.endsWith('.md')) {
          assert.ok(anchors(resolved).has(anchor), `${page}: ${target}: no heading with anchor #${anchor} in ${resolved}`);
        }
      }
    });

    it(`${page}: every repository path and npm script it names exists`, () => {
      const code = codeOf(page);
      for (const [, named] of code.matchAll(pathPattern)) {
        const file = named.replace(/[.]+$/, '');
        assert.ok(existsSync(path.join(root, file)), `${page} names ${file}, which does not exist`);
      }
      const { scripts } = JSON.parse(read('package.json'));
      for (const [, script] of read(page).matchAll(/npm run ([\w:-]+)/g)) {
        assert.ok(scripts[script], `${page} names npm run ${script}, which package.json does not have`);
      }
    });
  }
});

describe('JSON examples in README and docs/', () => {
  const factories = { aliyun: createAliyunSmsConnector, tencent: createTencentSmsConnector, router: createSmsRouterConnector };
  const guard = async (kind) => (await factories[kind]({ getConfig: async () => ({}) })).configGuard;
  const LIMIT_KEYS = new Set(['countries', 'perIp', 'perCountry', 'global', 'redisUrl', 'onStoreError']);
  const examples = pages.flatMap((page) => split(read(page)).blocks.filter((b) => b.lang === 'json').map((b) => ({ page, text: b.text })));
  const parsed = examples.map((example) => ({ ...example, value: JSON.parse(example.text) }));
  // The README's Aliyun config carries the limits examples, which are fragments.
  const base = parsed.find((e) => e.page === 'README.md' && e.value.accessKeyId && !e.value.sdkAppId)?.value;

  it('every ```json block parses', () => {
    assert.ok(examples.length > 5, `only ${examples.length} JSON examples found`);
    for (const example of examples) assert.doesNotThrow(() => JSON.parse(example.text), `${example.page}: ${example.text.slice(0, 80)}`);
  });

  it('every full connector config passes its connector guard, and every limits example the Aliyun one', async () => {
    assert.ok(base, 'no Aliyun config in README.md');
    let checked = 0;
    for (const { page, value } of parsed) {
      let kind;
      let config = value;
      if (value.providers) kind = 'router';
      else if (value.accessKeyId && value.sdkAppId) kind = 'tencent';
      else if (value.accessKeyId) kind = 'aliyun';
      else if (Object.keys(value).length === 1 && value.limits) [kind, config] = ['aliyun', { ...base, ...value }];
      else if (Object.keys(value).length > 0 && Object.keys(value).every((key) => LIMIT_KEYS.has(key))) [kind, config] = ['aliyun', { ...base, limits: value }];
      else continue;
      const result = (await guard(kind)).safeParse(config);
      assert.ok(result.success, `${page}: an example for the ${kind} connector fails its guard: ${JSON.stringify(result.error?.issues)}`);
      checked += 1;
    }
    assert.ok(checked >= 6, `only ${checked} configs checked`);
  });
});
