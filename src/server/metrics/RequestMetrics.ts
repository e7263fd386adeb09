/**
 * kafka.network.RequestMetrics (RequestChannel.scala): per API, `RequestsPerSec{request,version}` and the
 * `TotalTimeMs{request}` histogram, from the moment the request was read off the socket until its response was
 * handed back to it. As in Kafka a Fetch also counts under `FetchConsumer` or `FetchFollower`
 * (RequestChannel.Request.updateRequestMetrics: fetchMetricNames :+ header.apiKey.name).
 */
import { API_NAMES, ApiKey } from '../../protocol/apiKeys';
import type { YammerHistogram, YammerSummary } from './YammerHistogram';

/** One metric name's meters: counts per version (sparse) and its TotalTimeMs histogram, resolved once. */
export class RequestMetric {
  readonly counts: number[] = [];

  constructor(
    readonly name: string,
    private readonly totalTime: YammerHistogram,
  ) {}

  mark(apiVersion: number, totalTimeMs: number): void {
    const c = this.counts[apiVersion];
    this.counts[apiVersion] = c === undefined ? 1 : c + 1;
    this.totalTime.update(totalTimeMs);
  }
}

export class RequestMetrics {
  private readonly byApiKey: Array<RequestMetric | undefined> = [];
  private fetchConsumer: RequestMetric | null = null;
  private fetchFollower: RequestMetric | null = null;

  constructor(private readonly totalTimeMs: YammerSummary<'request'>) {}

  /** The SocketServer's hook (RequestMetricsRecorder): one completed request. */
  requestCompleted(apiKey: number, apiVersion: number, isFromFollower: boolean, totalTimeMs: number): void {
    (this.byApiKey[apiKey] ?? this.create(apiKey)).mark(apiVersion, totalTimeMs);
    if (apiKey === ApiKey.Fetch) {
      const sub = isFromFollower ? (this.fetchFollower ??= this.metric('FetchFollower')) : (this.fetchConsumer ??= this.metric('FetchConsumer'));
      sub.mark(apiVersion, totalTimeMs);
    }
  }

  /** Every metric name that has seen a request. */
  all(): RequestMetric[] {
    const out = this.byApiKey.filter((m): m is RequestMetric => m !== undefined);
    if (this.fetchConsumer) out.push(this.fetchConsumer);
    if (this.fetchFollower) out.push(this.fetchFollower);
    return out;
  }

  private create(apiKey: number): RequestMetric {
    const m = this.metric(API_NAMES[apiKey] ?? `ApiKey${apiKey}`);
    this.byApiKey[apiKey] = m;
    return m;
  }

  private metric(name: string): RequestMetric {
    return new RequestMetric(name, this.totalTimeMs.histogram({ request: name }));
  }
}
