// Compiles the Solidity sources under src/ with the pinned solc (package.json)
// and writes build/<Contract>.abi and build/<Contract>.bin, which gen.go turns
// into Go bindings. Output is deterministic: fixed settings, sorted inputs and
// no metadata hash in the bytecode.
'use strict';

const fs = require('fs');
const path = require('path');
const solc = require('solc');

const root = __dirname;
const srcDir = path.join(root, 'src');
const outDir = path.join(root, 'build');

function walk(dir) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return walk(p);
    return e.name.endsWith('.sol') ? [p] : [];
  });
}

const files = walk(srcDir).sort();
const sources = {};
for (const f of files) {
  sources[path.relative(root, f).split(path.sep).join('/')] = { content: fs.readFileSync(f, 'utf8') };
}

const input = {
  language: 'Solidity',
  sources,
  settings: {
    evmVersion: 'cancun',
    viaIR: true,
    optimizer: { enabled: true, runs: 10000 },
    metadata: { bytecodeHash: 'none', appendCBOR: false },
    outputSelection: { '*': { '*': ['abi', 'evm.bytecode.object'] } },
  },
};

function findImports(p) {
  const candidates = [path.join(root, 'node_modules', p), path.join(root, p)];
  for (const c of candidates) {
    if (fs.existsSync(c)) return { contents: fs.readFileSync(c, 'utf8') };
  }
  return { error: 'not found: ' + p };
}

const output = JSON.parse(solc.compile(JSON.stringify(input), { import: findImports }));
let failed = false;
for (const e of output.errors || []) {
  if (e.severity === 'error') failed = true;
  process.stderr.write(e.formattedMessage + '\n');
}
if (failed) process.exit(1);

fs.mkdirSync(outDir, { recursive: true });
for (const file of Object.keys(sources)) {
  for (const [name, c] of Object.entries(output.contracts[file] || {})) {
    fs.writeFileSync(path.join(outDir, name + '.abi'), JSON.stringify(c.abi, null, 1) + '\n');
    fs.writeFileSync(path.join(outDir, name + '.bin'), c.evm.bytecode.object + '\n');
  }
}
process.stderr.write('compiled ' + files.length + ' files with solc ' + solc.version() + '\n');
