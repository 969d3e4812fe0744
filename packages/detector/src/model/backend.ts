import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import type { DetectionBackend } from '@porchlight/protocol';

/**
 * Starts the wasm backend (SIMD when the browser has it) from our own server. Full tfjs would
 * silently fall back to WebGL or the cpu backend (seconds per frame) if wasm failed, so failure
 * is an error here.
 */
export async function startWasm(assetBase: string): Promise<{ simd: boolean }> {
  setWasmPaths(assetBase);
  const ok = await tf.setBackend('wasm');
  await tf.ready();
  if (!ok || tf.getBackend() !== 'wasm') {
    throw new Error(
      `the wasm backend did not start (got ${tf.getBackend()}); check ${assetBase}*.wasm and the CSP`,
    );
  }
  return { simd: (await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')) === true };
}

/**
 * A WebGL2 context on real hardware, or null. Headless and GPU-less browsers give SwiftShader or
 * llvmpipe, where tfjs-webgl takes seconds per frame: not worth measuring.
 */
export function hardwareWebgl(): string | null {
  if (typeof OffscreenCanvas === 'undefined') return null;
  let gl: WebGL2RenderingContext | null = null;
  try {
    gl = new OffscreenCanvas(1, 1).getContext('webgl2');
  } catch {
    return null;
  }
  if (!gl) return null;
  const ext = gl.getExtension('WEBGL_debug_renderer_info');
  const renderer = String(gl.getParameter(ext ? ext.UNMASKED_RENDERER_WEBGL : gl.RENDERER));
  gl.getExtension('WEBGL_lose_context')?.loseContext();
  return /swiftshader|llvmpipe|softpipe|software/i.test(renderer) ? null : renderer;
}

export async function useBackend(name: DetectionBackend): Promise<boolean> {
  const ok = await tf.setBackend(name);
  await tf.ready();
  return ok && tf.getBackend() === name;
}
