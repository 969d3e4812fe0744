/**
 * Renders the app icons the manifest lists from public/icon.svg, with Debian's Chromium (no
 * download): public/icons/icon-192.png, icon-512.png (purpose "any": the SVG as drawn, rounded
 * corners transparent) and maskable-512.png (purpose "maskable": full-bleed background, the
 * drawing scaled into the safe zone, a centred circle of 40% radius that every mask keeps).
 *
 * Rerun after changing icon.svg, then commit the PNGs:
 *   node --import tsx apps/home/scripts/icons.ts
 * (CHROMIUM=/path/to/chrome overrides the browser.)
 */
import fs from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';

const HOME = path.resolve(import.meta.dirname, '..');
const SVG = fs.readFileSync(path.join(HOME, 'public', 'icon.svg'), 'utf8');
const OUT = path.join(HOME, 'public', 'icons');
/** The app's background colour (manifest background_color). */
const BACKGROUND = '#0f1115';
/**
 * Scale of the drawing in the maskable icon: the house's farthest corner is 0.455 of the size
 * from the centre at full scale, 0.33 at 0.72, inside the 0.4 safe-zone radius.
 */
const MASKABLE_SCALE = 0.72;

interface Icon {
  file: string;
  size: number;
  maskable: boolean;
}

const ICONS: Icon[] = [
  { file: 'icon-192.png', size: 192, maskable: false },
  { file: 'icon-512.png', size: 512, maskable: false },
  { file: 'maskable-512.png', size: 512, maskable: true },
];

function pageFor(icon: Icon): string {
  const src = `data:image/svg+xml;base64,${Buffer.from(SVG).toString('base64')}`;
  const drawn = icon.maskable ? Math.round(icon.size * MASKABLE_SCALE) : icon.size;
  return `<!doctype html><html><body style="margin:0;width:${icon.size}px;height:${icon.size}px;
    display:flex;align-items:center;justify-content:center;
    background:${icon.maskable ? BACKGROUND : 'transparent'}">
    <img src="${src}" width="${drawn}" height="${drawn}" alt=""></body></html>`;
}

async function main(): Promise<void> {
  const browser = await chromium.launch({
    executablePath: process.env['CHROMIUM'] ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu'],
  });
  try {
    fs.mkdirSync(OUT, { recursive: true });
    for (const icon of ICONS) {
      const page = await browser.newPage({
        viewport: { width: icon.size, height: icon.size },
        deviceScaleFactor: 1,
      });
      await page.setContent(pageFor(icon));
      await page.locator('img').evaluate((img: HTMLImageElement) => img.decode());
      const file = path.join(OUT, icon.file);
      await page.screenshot({ path: file, omitBackground: !icon.maskable });
      await page.close();
      console.log(`${file} (${icon.size}x${icon.size})`);
    }
  } finally {
    await browser.close();
  }
}

await main();
