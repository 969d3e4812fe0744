import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const SCRIPT = path.join(path.dirname(fileURLToPath(import.meta.url)), 'gst', 'rtsp_server.py');

export interface GstRtspServer {
  port: number;
  /** rtsp://127.0.0.1:<port><path>, without credentials. */
  url: string;
  pid: number;
  /** SIGTERM and wait for the exit. */
  stop(): Promise<void>;
}

/**
 * GStreamer's RTSP server (Debian's gst-rtsp-server through python3-gi) serving a looping test
 * stream: H264 or MJPEG video, Opus/PCMA/no audio, Digest authentication when `user` is given.
 * Port 0 picks a free one; pass a previous port to bring a camera back at the same address.
 */
export async function startGstRtsp(
  o: {
    port?: number;
    path?: string;
    user?: string;
    password?: string;
    video?: 'h264' | 'mjpeg';
    audio?: 'opus' | 'pcma' | 'none';
  } = {},
): Promise<GstRtspServer> {
  const mount = o.path ?? '/cam';
  const args = [SCRIPT, '--port', String(o.port ?? 0), '--path', mount];
  if (o.user) args.push('--user', o.user, '--password', o.password ?? '');
  args.push('--video', o.video ?? 'h264', '--audio', o.audio ?? 'opus');
  const child: ChildProcess = spawn('/usr/bin/python3', args, {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /READY (\d+)/.exec(out);
      if (m) resolve(Number(m[1]));
    });
    child.once('exit', (code) => reject(new Error(`gst rtsp server exited (${code}): ${err}`)));
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    port,
    url: `rtsp://127.0.0.1:${port}${mount}`,
    pid: child.pid!,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
      await exited;
      clearTimeout(timer);
    },
  };
}
