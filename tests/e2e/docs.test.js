// docs/dapp-developers.md and docs/gateway.md quote the end-to-end tests: each code block that follows a
// `<!-- from FILE#REGION -->` marker must be exactly that `// #region REGION` of FILE
// (`# region REGION` in Python; FILE relative to tests/e2e), dedented, so the guide
// shows code that the test command runs. Needs no node.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';


/** The lines between `// #region name` and `// #endregion name` of `file` (`#` comments in Python), dedented. */
function region(file, name) {
  const lines = readFileSync(new URL(file, import.meta.url), 'utf8').split('\n');
  const [open, close] = file.endsWith('.py') ? [`# region ${name}`, `# endregion ${name}`] : [`// #region ${name}`, `// #endregion ${name}`];
  const start = lines.findIndex((line) => line.trim() === open);
  const end = lines.findIndex((line) => line.trim() === close);
  assert.ok(start !== -1 && end > start, `${file} has a region "${name}"`);
  const body = lines.slice(start + 1, end);
  const indent = Math.min(...body.filter((line) => line.trim()).map((line) => line.match(/^ */)[0].length));
  return body.map((line) => line.slice(indent)).join('\n');
}

/** Every `<!-- from FILE#REGION -->` marker of the guide with the code block after it. */
function quotes(markdown) {
  const found = [];
  const pattern = /<!-- from ([\w./-]+)#([\w-]+) -->\n```(?:js|python)\n([\s\S]*?)\n```/g;
  for (const [, file, name, code] of markdown.matchAll(pattern)) found.push({ file, name, code });
  return found;
}

// Each guide that quotes the tests, with how many quotes it has at least.
const GUIDES = [['dapp-developers.md', 8], ['gateway.md', 2]];

for (const [guide, least] of GUIDES) {
  test(`every snippet of docs/${guide} is the test code it names`, () => {
    const markdown = readFileSync(new URL(`../../docs/${guide}`, import.meta.url), 'utf8');
    const snippets = quotes(markdown);
    const markers = markdown.match(/<!-- from /g) ?? [];
    assert.equal(snippets.length, markers.length, 'each marker is followed by a ```js or ```python block');
    assert.ok(snippets.length >= least, `the guide quotes the tests (found ${snippets.length})`);
    for (const { file, name, code } of snippets) {
      assert.equal(code, region(`./${file}`, name), `${file}#${name}`);
    }
  });
}
