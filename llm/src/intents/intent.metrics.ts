/** Precision / recall / F1 per intent, macro-F1 and the confusion matrix (rows = truth). */

export interface ClassMetrics {
  label: string;
  precision: number;
  recall: number;
  f1: number;
  support: number;
}

export interface EvaluationReport {
  labels: readonly string[];
  perClass: ClassMetrics[];
  macroF1: number;
  accuracy: number;
  /** confusion[truth][predicted], in `labels` order. */
  confusion: number[][];
}

export function evaluatePredictions(
  labels: readonly string[],
  truths: readonly string[],
  predictions: readonly string[],
): EvaluationReport {
  const index = new Map(labels.map((label, i) => [label, i]));
  const confusion = labels.map(() => labels.map(() => 0));
  truths.forEach((truth, i) => {
    const row = confusion[index.get(truth) ?? -1];
    const col = index.get(predictions[i] ?? '');
    if (!row || col === undefined) throw new Error(`label outside the model: ${truth} → ${predictions[i]}`);
    row[col] = (row[col] ?? 0) + 1;
  });

  const perClass = labels.map((label, c) => {
    const tp = confusion[c]?.[c] ?? 0;
    const support = sum(confusion[c] ?? []);
    const predicted = sum(confusion.map((row) => row[c] ?? 0));
    const precision = predicted ? tp / predicted : 0;
    const recall = support ? tp / support : 0;
    const f1 = precision + recall ? (2 * precision * recall) / (precision + recall) : 0;
    return { label, precision, recall, f1, support };
  });
  const present = perClass.filter((metrics) => metrics.support > 0);
  const correct = labels.reduce((total, _, c) => total + (confusion[c]?.[c] ?? 0), 0);
  return {
    labels,
    perClass,
    macroF1: present.length ? sum(present.map((metrics) => metrics.f1)) / present.length : 0,
    accuracy: truths.length ? correct / truths.length : 0,
    confusion,
  };
}

export function formatReport(report: EvaluationReport): string {
  const width = Math.max(...report.labels.map((label) => label.length));
  const pct = (value: number) => value.toFixed(3);
  const lines = [`${'intent'.padEnd(width)}  prec   rec    f1     n`];
  for (const m of report.perClass) {
    lines.push(`${m.label.padEnd(width)}  ${pct(m.precision)}  ${pct(m.recall)}  ${pct(m.f1)}  ${m.support}`);
  }
  lines.push(
    `macro-F1 ${pct(report.macroF1)}   accuracy ${pct(report.accuracy)}`,
    '',
    'confusion (rows = truth):',
  );
  const codes = report.labels.map((_, i) => String(i).padStart(3));
  lines.push(`${''.padEnd(width + 4)}${codes.join('')}`);
  report.confusion.forEach((row, i) => {
    const cells = row.map((count) => (count ? String(count) : '.').padStart(3)).join('');
    lines.push(`${String(i).padStart(2)} ${(report.labels[i] ?? '').padEnd(width)} ${cells}`);
  });
  return lines.join('\n');
}

function sum(values: readonly number[]): number {
  return values.reduce((total, value) => total + value, 0);
}
