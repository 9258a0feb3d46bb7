import { chromium, type Browser, type Page } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Debian's Chromium, headless, with nothing reaching for the network on its own. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** Signs in through the sign-in page, as a person would, and waits for the landing page. */
export async function signIn(
  page: Page,
  url: string,
  user: { email: string; password: string },
  landing: string,
): Promise<void> {
  await page.goto(url);
  await page.getByLabel('Email').fill(user.email);
  await page.getByLabel('Password').fill(user.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  // Each role lands where its abilities say (Home, My studio, the inbox); a test that wants
  // another screen goes there as a person would, by its address.
  await page.waitForURL((at) => at.pathname !== '/');
  // The reload signs in again from the refresh cookie: wait for that before the test moves on,
  // or a navigation could cut the rotation short and the next one present a spent token.
  if (new URL(page.url()).pathname !== landing.split('?')[0])
    await page.goto(`${url}${landing}`, { waitUntil: 'networkidle' });
  // By path: a screen may add its own query (the calendar writes its view and creator).
  const path = landing.split('?')[0];
  await page.waitForURL((at) => at.pathname === path);
}

/**
 * What a phone user would trip over on the current screen: controls under 44 px, action
 * text under 4.5:1 contrast against what is behind it, keyboard hints shown on a touch
 * screen, and tab labels cut short. Empty when the screen is fine.
 */
export function phoneProblems(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const toLinear = (c: number) => {
      const v = c / 255;
      return v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
    };
    const clamp = (x: number) => Math.min(1, Math.max(0, x));
    /** A computed colour as linear sRGB and alpha (Tailwind 4 computes to oklch). */
    const parse = (value: string): [number, number, number, number] => {
      const rgb = /^rgba?\(([^)]+)\)/.exec(value);
      if (rgb) {
        const p = rgb[1]!
          .split(/[\s,/]+/)
          .filter(Boolean)
          .map(Number);
        return [toLinear(p[0]!), toLinear(p[1]!), toLinear(p[2]!), p[3] ?? 1];
      }
      const ok = /^oklch\(([^)]+)\)/.exec(value);
      if (ok) {
        const p = ok[1]!.split(/[\s/]+/).filter(Boolean);
        const num = (s: string | undefined, percent = 1) =>
          s === undefined || s === 'none'
            ? 0
            : s.endsWith('%')
              ? (parseFloat(s) / 100) * percent
              : parseFloat(s);
        const L = num(p[0]);
        const C = num(p[1], 0.4);
        const h = (num(p[2]) * Math.PI) / 180;
        const alpha = p[3] === undefined ? 1 : num(p[3]);
        const a = C * Math.cos(h);
        const b = C * Math.sin(h);
        const l = (L + 0.3963377774 * a + 0.2158037573 * b) ** 3;
        const m = (L - 0.1055613458 * a - 0.0638541728 * b) ** 3;
        const s = (L - 0.0894841775 * a - 1.291485548 * b) ** 3;
        return [
          clamp(4.0767416621 * l - 3.3077115913 * m + 0.2309699292 * s),
          clamp(-1.2684380046 * l + 2.6097574011 * m - 0.3413193965 * s),
          clamp(-0.0041960863 * l - 0.7034186147 * m + 1.707614701 * s),
          alpha,
        ];
      }
      return [0, 0, 0, 0];
    };
    const over = (top: number[], below: number[]) =>
      [0, 1, 2].map((i) => top[i]! * top[3]! + below[i]! * (1 - top[3]!));
    const background = (el: Element) => {
      const layers: number[][] = [];
      for (let node: Element | null = el; node; node = node.parentElement) {
        const c = parse(getComputedStyle(node).backgroundColor);
        if (c[3] > 0) layers.push(c);
        if (c[3] >= 1) break;
      }
      return layers.reverse().reduce((below, layer) => over(layer, below), [1, 1, 1]);
    };
    const luminance = (c: number[]) => 0.2126 * c[0]! + 0.7152 * c[1]! + 0.0722 * c[2]!;

    const problems: string[] = [];
    const viewport = { w: document.documentElement.clientWidth, h: document.documentElement.clientHeight };
    for (const el of document.querySelectorAll<HTMLElement>('button, select, a[href], input, textarea')) {
      if (!el.checkVisibility({ opacityProperty: true, visibilityProperty: true })) continue;
      // A checkbox or radio inside its label is pressed through the label: that is the target.
      const choice = el.matches('input[type="checkbox"], input[type="radio"]') ? el.closest('label') : null;
      const rect = (choice ?? el).getBoundingClientRect();
      if (rect.width === 0 || rect.bottom < 0 || rect.top > viewport.h) continue;
      const name = (el.getAttribute('aria-label') ?? el.textContent ?? el.tagName).trim().slice(0, 40);
      if (rect.height < 43.5) problems.push(`${name}: ${Math.round(rect.height)} px tall`);
      const disabled = (el as HTMLButtonElement).disabled === true;
      if (!disabled && el.tagName !== 'INPUT' && el.tagName !== 'TEXTAREA' && el.textContent?.trim()) {
        const bg = background(el);
        const fg = over(parse(getComputedStyle(el).color), bg);
        const [hi, lo] = [luminance(fg), luminance(bg)].sort((x, y) => y - x) as [number, number];
        const ratio = (hi + 0.05) / (lo + 0.05);
        if (ratio < 4.5) problems.push(`${name}: contrast ${ratio.toFixed(2)}:1`);
      }
    }
    for (const kbd of document.querySelectorAll('kbd, [data-keyboard-hint]')) {
      if (kbd.checkVisibility()) problems.push(`keyboard hint shown: ${kbd.textContent}`);
    }
    for (const label of document.querySelectorAll<HTMLElement>('[data-testid="tab-bar"] a span')) {
      if (label.scrollWidth > label.clientWidth + 1) problems.push(`tab label cut: ${label.textContent}`);
    }
    return problems;
  });
}

/** What spills sideways on the page and in the screen's scroller (`main > div`). */
export function overflow(page: Page): Promise<{ page: number; view: number }> {
  return page.evaluate(() => {
    const scroller = document.querySelector('main > div') as HTMLElement;
    return {
      page: document.documentElement.scrollWidth - document.documentElement.clientWidth,
      view: scroller.scrollWidth - scroller.clientWidth,
    };
  });
}
