import { Counter, collectDefaultMetrics, Histogram, Registry } from 'prom-client';

let processMetrics: Registry | undefined;

/** Process, GC and event-loop metrics: one set per process, however many apps it builds. */
function processRegistry(): Registry {
  if (!processMetrics) {
    processMetrics = new Registry();
    collectDefaultMetrics({ register: processMetrics, prefix: 'backroom_' });
  }
  return processMetrics;
}

/** Label for requests that name no single known procedure (batches, unknown paths, non-tRPC routes). */
const OTHER = 'other';

/**
 * The process's Prometheus metrics (prom-client): process, GC and event-loop-lag metrics, and per
 * request a counter by method and status and a latency histogram by procedure.
 * NOTE: the procedure label only ever takes a known procedure's name (or `batch` / `other`), so a
 * client cannot grow the series without bound by inventing paths.
 */
export class Metrics {
  readonly registry = new Registry();
  private readonly procedures: ReadonlySet<string>;
  private readonly requests: Counter<'method' | 'status'>;
  private readonly duration: Histogram<'procedure'>;

  constructor(procedureNames: Iterable<string> = []) {
    this.procedures = new Set(procedureNames);
    this.requests = new Counter({
      name: 'backroom_http_requests_total',
      help: 'HTTP requests answered, by method and status.',
      labelNames: ['method', 'status'],
      registers: [this.registry],
    });
    this.duration = new Histogram({
      name: 'backroom_http_request_duration_seconds',
      help: 'Time to answer a request, by tRPC procedure (batch for batches, other for the rest).',
      labelNames: ['procedure'],
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [this.registry],
    });
  }

  /** Counts one answered request; `procedure` is the tRPC path part of the URL, if any. */
  observe(method: string, status: number, seconds: number, procedure: string | undefined): void {
    // node:http accepts only the methods it knows, so this label is bounded too.
    this.requests.inc({ method, status: String(status) });
    this.duration.observe({ procedure: this.labelOf(procedure) }, seconds);
  }

  /** The Prometheus text exposition: the process's metrics and this app's. */
  render(): Promise<string> {
    return Registry.merge([processRegistry(), this.registry]).metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  private labelOf(procedure: string | undefined): string {
    if (procedure === undefined) return OTHER;
    if (this.procedures.has(procedure)) return procedure;
    return procedure.includes(',') ? 'batch' : OTHER;
  }
}
