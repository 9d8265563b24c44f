// `npm run icons`: every icon the platforms need, from the one source image assets/icon.svg.
//   assets/icons/NxN.png        Linux (AppImage, deb, the window icon): 16 … 1024
//   assets/icon.png             512 px, electron-builder's fallback
//   assets/icon.ico             Windows (NSIS installer and the .exe): 16 … 256 in one file
//   assets/icon.icns            macOS (dmg, app bundle), drawn inside Apple's icon grid margin
//   assets/tray/tray*.png       the tray icon, 16 px and @2x: grey off air, in colour on air
// The outputs are committed; run this again after changing icon.svg. `--check` only verifies
// that every output exists (the packaging test does the same).
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const assets = join(root, 'assets');
const source = join(assets, 'icon.svg');

/** Linux icon theme sizes electron-builder installs (hicolor), plus 1024 for high-density docks. */
export const LINUX_SIZES = [16, 24, 32, 48, 64, 128, 256, 512, 1024];

/** Every file this script writes, relative to assets/. */
export const OUTPUTS = [
  ...LINUX_SIZES.map((size) => `icons/${size}x${size}.png`),
  'icon.png',
  'icon.ico',
  'icon.icns',
  'tray/tray.png',
  'tray/tray@2x.png',
  'tray/tray-live.png',
  'tray/tray-live@2x.png',
];

/** The SVG's viewBox is 32 units wide: render at the density that gives `size` pixels, without blurring. */
const densityFor = (size) => (72 * size) / 32;

async function render(sharp, svg, size, { grey = false, margin = 0 } = {}) {
  const inner = Math.round(size * (1 - 2 * margin));
  let image = sharp(svg, { density: densityFor(inner) }).resize(inner, inner);
  if (grey) image = image.grayscale();
  if (inner !== size) {
    const pad = Math.floor((size - inner) / 2);
    image = sharp(await image.png().toBuffer()).extend({
      top: pad,
      bottom: size - inner - pad,
      left: pad,
      right: size - inner - pad,
      background: { r: 0, g: 0, b: 0, alpha: 0 },
    });
  }
  return image.png({ compressionLevel: 9 }).toBuffer();
}

async function make() {
  // Dev dependencies, only needed to regenerate.
  const { default: sharp } = await import('sharp');
  const png2icons = await import('png2icons');
  const svg = readFileSync(source);
  mkdirSync(join(assets, 'icons'), { recursive: true });
  mkdirSync(join(assets, 'tray'), { recursive: true });
  const write = (relative, bytes) => {
    if (!bytes) throw new Error(`could not make assets/${relative}`);
    writeFileSync(join(assets, relative), bytes);
    console.log(`assets/${relative}  ${bytes.length} bytes`);
  };

  for (const size of LINUX_SIZES) write(`icons/${size}x${size}.png`, await render(sharp, svg, size));
  write('icon.png', await render(sharp, svg, 512));
  // Windows: PNG chunks for 256, BMP for the small sizes (what Windows Explorer reads best).
  write('icon.ico', png2icons.createICO(await render(sharp, svg, 1024), png2icons.BICUBIC2, 0, false, true));
  // macOS: Apple's grid leaves about 10% around the artwork (824 of 1024 px).
  write('icon.icns', png2icons.createICNS(await render(sharp, svg, 1024, { margin: 0.1 }), png2icons.BICUBIC2, 0));
  write('tray/tray.png', await render(sharp, svg, 16, { grey: true }));
  write('tray/tray@2x.png', await render(sharp, svg, 32, { grey: true }));
  write('tray/tray-live.png', await render(sharp, svg, 16));
  write('tray/tray-live@2x.png', await render(sharp, svg, 32));
}

/** Missing or empty outputs, as messages. */
export function checkIcons() {
  return OUTPUTS.flatMap((relative) => {
    const path = join(assets, relative);
    if (!existsSync(path)) return [`assets/${relative} is missing: run npm run icons`];
    return statSync(path).size === 0 ? [`assets/${relative} is empty: run npm run icons`] : [];
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  if (process.argv.includes('--check')) {
    const problems = checkIcons();
    for (const problem of problems) console.error(problem);
    process.exit(problems.length === 0 ? 0 : 1);
  }
  await make();
}
