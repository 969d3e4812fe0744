import fs from 'node:fs';
import path from 'node:path';

/**
 * Test-suite log capture: when PORCHLIGHT_LOG_CAPTURE_DIR is set, every JSON line is also
 * appended to `<dir>/<pid>.log` so scripts/scan-log-secrets.mjs can check that no secret was
 * logged. Child processes inherit the env var and write their own file. Synchronous writes: a
 * line written right before process.exit is kept, and the cost is one write(2) per line.
 */
let fd: number | null | undefined;

function open(): number | null {
  const dir = process.env['PORCHLIGHT_LOG_CAPTURE_DIR'];
  if (!dir) return null;
  try {
    fs.mkdirSync(dir, { recursive: true });
    return fs.openSync(path.join(dir, `${process.pid}.log`), 'a');
  } catch {
    // Capture is a test aid: never let it break logging.
    return null;
  }
}

/** Appends one finished line to the capture file, if capture is on. */
export function captureLine(line: string): void {
  if (fd === undefined) fd = open();
  if (fd === null) return;
  try {
    fs.writeSync(fd, line.endsWith('\n') ? line : `${line}\n`);
  } catch {
    fd = null;
  }
}
