import { cleanup, render, screen } from '@testing-library/svelte';
import { afterEach, describe, expect, it } from 'vitest';
import { dashboardText } from './dashboard-i18n';
import {
  barLayout,
  conversionHealth,
  formatLatency,
  formatPercent,
  niceMax,
  pushAlert,
  responseHealth,
  snapshotSchema,
  yOf,
  type LiveAlert,
} from './dashboard-metrics';
import MessagesChart from './MessagesChart.svelte';

const goals = { responseTimeMs: 20_000, alertResponseTimeMs: 30_000, conversionBelow: 0.05, minOffers: 20 };

describe('chart scaling', () => {
  it('rounds the axis up to 1, 2 or 5 times a power of ten', () => {
    expect(niceMax(0)).toBe(5);
    expect(niceMax(7)).toBe(10);
    expect(niceMax(13)).toBe(20);
    expect(niceMax(48)).toBe(50);
    expect(niceMax(51)).toBe(100);
    expect(niceMax(0.3, 0.1)).toBeCloseTo(0.5);
  });

  it('lays bars out across the width, tallest at the top of the box', () => {
    const bars = barLayout([0, 5, 10, 20], 400, 100, 10, 0);
    expect(bars.map((b) => b.x)).toEqual([0, 100, 200, 300]);
    expect(bars.map((b) => b.height)).toEqual([0, 50, 100, 100]);
    expect(bars.map((b) => b.y)).toEqual([100, 50, 0, 0]);
    expect(barLayout([], 400, 100, 10)).toEqual([]);
    expect(yOf(20, 120, 40)).toBe(60);
  });

  it('draws a minute with fans in and replies out side by side', () => {
    const perMinute = Array.from({ length: 60 }, (_, i) => ({
      minute: `m${i}`,
      in: i === 59 ? 4 : 0,
      out: i === 59 ? 2 : 0,
    }));
    const view = render(MessagesChart, { props: { perMinute, t: dashboardText.en } });
    const rects = [...view.container.querySelectorAll('rect')];
    expect(rects).toHaveLength(120);
    const tall = rects.filter((r) => Number(r.getAttribute('height')) > 0);
    expect(tall.map((r) => Number(r.getAttribute('height')))).toEqual([112, 56]);
    expect(screen.getByRole('img').getAttribute('aria-label')).toContain('Fans in 4, Replies out 2');
    cleanup();
  });
});

describe('health of the figures', () => {
  afterEach(() => cleanup());

  it('judges response time against the 20 s goal and the 30 s alert', () => {
    expect(responseHealth(null, goals)).toBe('none');
    expect(responseHealth(15_000, goals)).toBe('ok');
    expect(responseHealth(25_000, goals)).toBe('warn');
    expect(responseHealth(31_000, goals)).toBe('bad');
  });

  it('says nothing about conversion before any offer, and alerts only with enough offers', () => {
    const none = { windowHours: 24, offers: 0, paid: 0, rate: null, revenue: [] };
    expect(conversionHealth(none, goals)).toBe('none');
    expect(formatPercent(none.rate, 'en')).toBeNull();
    expect(conversionHealth({ ...none, offers: 10, rate: 0 }, goals)).toBe('ok');
    expect(conversionHealth({ ...none, offers: 40, paid: 1, rate: 0.025 }, goals)).toBe('bad');
    expect(formatPercent(0.025, 'en')).toBe('2.5%');
    expect(formatLatency(182.4)).toBe('182 ms');
    expect(formatLatency(2345)).toBe('2.3 s');
    expect(formatLatency(null)).toBe('—');
  });

  it('keeps the newest alerts first, and parses snapshots strictly', () => {
    const alert = (n: number): LiveAlert => ({
      kind: 'llm_down',
      severity: 'warning',
      message: `a${n}`,
      creatorId: 'k',
      at: `2026-01-01T00:00:0${n}Z`,
    });
    const list = [1, 2, 3].reduce<LiveAlert[]>((l, n) => pushAlert(l, alert(n), 2), []);
    expect(list.map((a) => a.message)).toEqual(['a3', 'a2']);
    expect(snapshotSchema.safeParse({ at: 'x' }).success).toBe(false);
  });
});
