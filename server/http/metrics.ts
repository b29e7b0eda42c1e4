/** Request counters and a latency histogram in Prometheus text format; per process. */
export class Metrics {
  private readonly requests = new Map<string, number>();
  private readonly buckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];
  private readonly bucketCounts = new Array<number>(this.buckets.length).fill(0);
  private durationSum = 0;
  private durationCount = 0;

  observe(method: string, status: number, seconds: number): void {
    const key = `method="${method}",status="${status}"`;
    this.requests.set(key, (this.requests.get(key) ?? 0) + 1);
    this.durationSum += seconds;
    this.durationCount += 1;
    for (let i = 0; i < this.buckets.length; i++) {
      if (seconds <= (this.buckets[i] ?? 0)) this.bucketCounts[i] = (this.bucketCounts[i] ?? 0) + 1;
    }
  }

  render(): string {
    const lines = [
      '# HELP backroom_http_requests_total HTTP requests answered, by method and status.',
      '# TYPE backroom_http_requests_total counter',
      ...[...this.requests].map(([labels, n]) => `backroom_http_requests_total{${labels}} ${n}`),
      '# HELP backroom_http_request_duration_seconds Time to answer a request.',
      '# TYPE backroom_http_request_duration_seconds histogram',
      ...this.buckets.map(
        (le, i) => `backroom_http_request_duration_seconds_bucket{le="${le}"} ${this.bucketCounts[i]}`,
      ),
      `backroom_http_request_duration_seconds_bucket{le="+Inf"} ${this.durationCount}`,
      `backroom_http_request_duration_seconds_sum ${this.durationSum}`,
      `backroom_http_request_duration_seconds_count ${this.durationCount}`,
      '# HELP backroom_process_resident_memory_bytes Resident set size.',
      '# TYPE backroom_process_resident_memory_bytes gauge',
      `backroom_process_resident_memory_bytes ${process.memoryUsage.rss()}`,
    ];
    return `${lines.join('\n')}\n`;
  }
}
