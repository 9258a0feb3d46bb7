/**
 * What went wrong with a draft, as the caller acts on it: retry later (unreachable, timeouts,
 * server_error), alert an operator (model_missing), drop silently (aborted: superseded).
 */
export type OllamaErrorCode =
  | 'unreachable'
  | 'model_missing'
  | 'server_error'
  | 'timeout_first_token'
  | 'stalled'
  | 'timeout_total'
  | 'empty'
  | 'aborted';

export class OllamaError extends Error {
  override readonly name = 'OllamaError';
  /** HTTP status when Ollama answered with an error. */
  readonly status: number | undefined;

  constructor(
    readonly code: OllamaErrorCode,
    message: string,
    options: { status?: number; cause?: unknown } = {},
  ) {
    super(message, { cause: options.cause });
    this.status = options.status;
  }
}

/** Connection-level failures as undici reports them, directly or as `cause`. */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ETIMEDOUT',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_CLOSED',
]);

function isNetworkError(error: unknown): boolean {
  for (let current = error, depth = 0; current instanceof Error && depth < 4; depth += 1) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && NETWORK_CODES.has(code)) return true;
    // fetch() rejects with "fetch failed"; a body cut mid-stream errors with "terminated".
    if (current.name === 'TypeError' && /^(fetch failed|terminated)$/.test(current.message)) return true;
    current = current.cause;
  }
  return false;
}

/** Ollama answered with an error status: a missing model, or a failure of its own. */
export function statusError(status: number, message: string, model: string, cause?: unknown): OllamaError {
  if (status === 404 && /model/i.test(message)) {
    return new OllamaError('model_missing', `Ollama has no model "${model}": ${message}`, { status, cause });
  }
  return new OllamaError('server_error', `Ollama answered ${status}: ${message}`, { status, cause });
}

/** Turns whatever the ollama package or fetch threw into an OllamaError. */
export function toOllamaError(error: unknown, model: string): OllamaError {
  if (error instanceof OllamaError) return error;
  // The package's ResponseError is not exported: recognise it by shape.
  const status = (error as { status_code?: unknown } | null)?.status_code;
  const message = error instanceof Error ? error.message : String(error);
  if (typeof status === 'number') return statusError(status, message, model, error);
  if (isNetworkError(error)) {
    return new OllamaError('unreachable', `Ollama is unreachable: ${message}`, { cause: error });
  }
  return new OllamaError('server_error', `Ollama failed: ${message}`, { cause: error });
}
