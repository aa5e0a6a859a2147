// Reads "A<TAB>B" lines on stdin; prints semver.compare(A, B) (strict) or "invalid" per line.
// Uses the node-semver that ships with npm on this machine.
const path = require('path')
const { execSync } = require('child_process')
const root = execSync('npm root -g').toString().trim()
const semver = require(path.join(root, 'npm', 'node_modules', 'semver'))
const lines = require('fs').readFileSync(0, 'utf8').split('\n')
if (lines[lines.length - 1] === '') lines.pop()
const out = []
for (const line of lines) {
  const tab = line.indexOf('\t')
  const a = line.slice(0, tab), b = line.slice(tab + 1)
  try { out.push(String(semver.compare(a, b))) } catch (e) { out.push('invalid') }
}
process.stdout.write(out.join('\n') + '\n')
