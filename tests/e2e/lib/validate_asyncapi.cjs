// Validates an AsyncAPI document with the official parser (@asyncapi/parser, offline: no remote
// $refs are fetched). Exit 0 when it parses with no error-severity diagnostics; every diagnostic
// is printed. Usage: NODE_PATH=<node_modules> node validate_asyncapi.cjs docs/asyncapi.yaml
const fs = require('fs');
const { Parser } = require('@asyncapi/parser');

async function main() {
  const file = process.argv[2];
  if (!file) {
    console.error('usage: validate_asyncapi.cjs <asyncapi.yaml>');
    process.exit(2);
  }
  const text = fs.readFileSync(file, 'utf8');
  const parser = new Parser();
  const { document, diagnostics } = await parser.parse(text, { source: file });
  const severities = ['error', 'warning', 'info', 'hint'];
  let errors = 0;
  const all = process.argv.includes('--all');
  for (const d of diagnostics) {
    if (all && d.severity !== 0) console.error(`${file}: ${severities[d.severity]}: ${(d.path || []).join('/')}: ${d.message}`);
    const severity = severities[d.severity] || String(d.severity);
    if (d.severity !== 0) continue; // warnings and hints are style advice (pass --all to see them)
    errors++;
    const where = d.path && d.path.length ? d.path.join('/') : '(document)';
    console.error(`${file}: ${severity}: ${where}: ${d.message} [${d.code}]`);
  }
  if (!document || errors > 0) {
    console.error(`${file}: REJECTED by @asyncapi/parser (${errors} errors)`);
    process.exit(1);
  }
  const channels = document.channels().all().map((c) => c.address() || c.id());
  const messages = document.allMessages().all().length;
  console.error(`${file}: accepted by @asyncapi/parser: AsyncAPI ${document.version()}, ` +
                `${channels.length} channels (${channels.join(', ')}), ${messages} messages, ` +
                `${diagnostics.length - errors} warnings/hints`);
}

main().catch((e) => {
  console.error(`validate_asyncapi: ${e.stack || e}`);
  process.exit(1);
});
