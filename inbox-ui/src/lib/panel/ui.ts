import { tick } from 'svelte';

/** The panel's shared looks: 44 px touch targets, visible focus. */
const focus =
  'focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-indigo-400 focus-visible:ring-offset-2';
const base = `inline-flex min-h-11 items-center justify-center rounded-lg border px-4 text-sm font-medium disabled:opacity-50 ${focus}`;
// One full class list per kind: two colour utilities on one element would fight.
export const btn = `${base} border-slate-300 bg-white text-slate-800 hover:bg-slate-50`;
export const btnPrimary = `${base} border-indigo-600 bg-indigo-600 text-white hover:bg-indigo-500`;
export const btnDanger = `${base} border-red-600 bg-red-600 text-white hover:bg-red-500`;
export const card = 'min-w-0 rounded-2xl bg-white p-4 shadow-sm ring-1 ring-slate-200';
export const selectBox = `mt-1 block min-h-11 w-full min-w-0 rounded-lg border border-slate-300 bg-white px-3 text-base text-slate-900 sm:text-sm ${focus}`;
export const checkbox = 'h-5 w-5 shrink-0 rounded border-slate-300 text-indigo-600';

/** After a refused save, the first field the hub named gets the focus (and its message is read). */
export async function focusFirstInvalid(): Promise<void> {
  await tick();
  document.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
}

/** Keyboard users land in what just opened, not on the body the opener left. */
export async function focusWhenShown(selector: string): Promise<void> {
  await tick();
  document.querySelector<HTMLElement>(selector)?.focus();
}
