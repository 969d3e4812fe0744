#!/usr/bin/env node
/**
 * Fails (exit 1) when a captured log line holds a secret: `node scripts/scan-log-secrets.mjs <dir>`.
 * The directory holds the JSON lines the logger appends when PORCHLIGHT_LOG_CAPTURE_DIR is set
 * (packages/runtime/src/logging/capture.ts). Each finding prints file:line, the rule and the
 * secret masked (never the secret itself: this output goes to CI logs too).
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Values that mean "redacted": a field named password/secret/... may hold these. */
const REDACTED = new Set(['***', '[redacted]', '[REDACTED]', 'redacted', '<redacted>', '']);

/** Fixed secrets the test configs use (server/test, tests/support); random ones can't be listed. */
export const TEST_SECRETS = [
  'x'.repeat(32), // token/lock secrets 'x'.repeat(32|40|43|48)
  's'.repeat(40), // shutdown.test.ts, secretFiles.test.ts
  'a-secret-of-16-chars', // sdkContract.test.ts unlock secret
  'lock-secret-0123456789', // calls.integration.test.ts unlock secret
];

/** Text rules: [name, global regex]; group 1 (if any) is the secret part to report. */
export const RULES = [
  ['jwt', /eyJ[A-Za-z0-9_-]{4,}\.eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*/g],
  [
    'api key / device credential (plk_/pld_)',
    /\bpl[kd]_[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}_[A-Za-z0-9_-]{43}/g,
  ],
  ['refresh token (plr_)', /\bplr_[A-Za-z0-9_-]{43}/g],
  ['provisioning code', /(?<![A-Za-z0-9])[2-9A-HJ-NP-Z]{5}-[2-9A-HJ-NP-Z]{5}(?![A-Za-z0-9])/g],
  // `/media/<token>/`: the route pattern `:token` and a redacted segment are fine.
  ['signed media token in path', /\/media\/(?!:token\/|\*\*\*\/)([A-Za-z0-9._~%-]{16,})\//g],
  ['rtsp url with user:password@', /rtsps?:\/\/[^/\s@:"]+:(?!\*\*\*@)([^/\s@"]+)@/g],
  ['master key (id:base64 of 32 bytes)', /[A-Za-z0-9_-]{1,64}:([A-Za-z0-9+/]{43}=)/g],
];

const SENSITIVE_KEY = /password|secret|authorization|cookie/i;

/** Shows a few characters and the length: enough to find it, not enough to use it. */
export function mask(secret) {
  return `${secret.slice(0, 4)}…(${secret.length} chars)`;
}

/** Field rule: a JSON key named like a secret with a non-redacted value, anywhere in the entry. */
function sensitiveFields(value, found, keyPath = '') {
  if (Array.isArray(value)) value.forEach((v, i) => sensitiveFields(v, found, `${keyPath}[${i}]`));
  else if (value && typeof value === 'object')
    for (const [k, v] of Object.entries(value)) {
      const p = keyPath ? `${keyPath}.${k}` : k;
      if (SENSITIVE_KEY.test(k) && (typeof v === 'string' || typeof v === 'number')) {
        if (!REDACTED.has(String(v)))
          found.push({ rule: `sensitive field "${p}" not redacted`, secret: String(v) });
      } else sensitiveFields(v, found, p);
    }
}

/** Findings of one line: [{ rule, secret }]. */
export function scanLine(line) {
  const found = [];
  for (const [rule, re] of RULES)
    for (const m of line.matchAll(re)) found.push({ rule, secret: m[1] ?? m[0] });
  for (const s of TEST_SECRETS)
    if (line.includes(s)) found.push({ rule: 'fixed test secret', secret: s });
  try {
    sensitiveFields(JSON.parse(line), found);
  } catch {
    // Not JSON (ffmpeg/coturn stderr): the text rules above still apply.
  }
  return found;
}

/** Scans every file in `dir`; returns { files, lines, findings: [{ file, line, rule, masked }] }. */
export function scanDir(dir) {
  const result = { files: 0, lines: 0, findings: [] };
  if (!fs.existsSync(dir)) return result;
  for (const name of fs.readdirSync(dir).sort()) {
    const file = path.join(dir, name);
    if (!fs.statSync(file).isFile()) continue;
    result.files++;
    const lines = fs.readFileSync(file, 'utf8').split('\n');
    lines.forEach((text, i) => {
      if (!text) return;
      result.lines++;
      for (const f of scanLine(text))
        result.findings.push({ file, line: i + 1, rule: f.rule, masked: mask(f.secret) });
    });
  }
  return result;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const dir = process.argv[2];
  if (!dir) {
    console.error('usage: scan-log-secrets.mjs <dir>');
    process.exit(2);
  }
  const { files, lines, findings } = scanDir(dir);
  for (const f of findings) console.error(`${f.file}:${f.line}: ${f.rule}: ${f.masked}`);
  console.log(`scanned ${lines} lines in ${files} files: ${findings.length} secrets found`);
  process.exit(findings.length ? 1 : 0);
}
