import Foundation
import Prometheus
import Synchronization
import SwitchboardAgent

/// The gateway's Prometheus metrics. One instance lives for the whole process, across
/// in-process restarts, so counters only reset when the process does. Hot-path updates
/// are atomic increments; values that are cheaper to read than to track (connections,
/// active runs, outbox depth, RSS, open fds) are sampled when `/metrics` is scraped.
public final class GatewayMetrics: Sendable {
    let registry = PrometheusCollectorRegistry()

    /// Request latency buckets: sub-millisecond handlers up to slow agent waits.
    static let latencyBuckets: [Duration] = [
        .microseconds(100), .microseconds(250), .microseconds(500), .milliseconds(1), .milliseconds(2.5), .milliseconds(5), .milliseconds(10),
        .milliseconds(25), .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(2.5),
        .seconds(5), .seconds(10), .seconds(30),
    ]
    static let providerBuckets: [Duration] = [
        .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(2), .seconds(5), .seconds(10),
        .seconds(30), .seconds(60),
    ]

    private let eventsSent: Counter
    private let eventsDropped: Counter
    private let slowConsumerCloses: Counter
    private let connectionsAccepted: Counter
    private let requestCounters = Mutex<[String: Counter]>([:])
    private let requestLatencies = Mutex<[String: DurationHistogram]>([:])
    private let runCounters = Mutex<[String: Counter]>([:])
    private let providerCounters = Mutex<[String: Counter]>([:])
    private let providerLatencies = Mutex<[String: DurationHistogram]>([:])
    private let gauges = Mutex<[String: Gauge]>([:])
    private let restarts: Counter
    private let configReloads: Counter
    private let originRefusals: Counter
    private let authRateLimited: Counter

    public init() {
        eventsSent = registry.makeCounter(descriptor: Self.descriptor("switchboard_events_sent_total", "Event frames queued to clients"))
        eventsDropped = registry.makeCounter(descriptor: Self.descriptor("switchboard_events_dropped_total", "Event frames dropped for slow clients"))
        slowConsumerCloses = registry.makeCounter(descriptor: Self.descriptor("switchboard_slow_consumer_closes_total", "Connections closed because their outbound queue overflowed"))
        connectionsAccepted = registry.makeCounter(descriptor: Self.descriptor("switchboard_connections_accepted_total", "WebSocket connections accepted"))
        restarts = registry.makeCounter(descriptor: Self.descriptor("switchboard_restarts_total", "In-process restarts"))
        configReloads = registry.makeCounter(descriptor: Self.descriptor("switchboard_config_hot_reloads_total", "Config edits applied in place"))
        originRefusals = registry.makeCounter(descriptor: Self.descriptor("switchboard_origin_refusals_total", "WebSockets opened by a page origin the gateway does not trust"))
        authRateLimited = registry.makeCounter(descriptor: Self.descriptor("switchboard_auth_rate_limited_total", "Secret checks refused by the auth rate limiter"))
    }

    func recordEvents(sent: Int, dropped: Int) {
        if sent > 0 { eventsSent.increment(by: Int64(sent)) }
        if dropped > 0 { eventsDropped.increment(by: Int64(dropped)) }
    }

    func recordSlowConsumerClose() { slowConsumerCloses.increment() }
    func recordConnectionAccepted() { connectionsAccepted.increment() }
    func recordRestart() { restarts.increment() }
    func recordHotReload() { configReloads.increment() }
    func recordOriginRefused() { originRefusals.increment() }
    func recordAuthRateLimited() { authRateLimited.increment() }

    /// The metrics of one method's requests, resolved up front for the hot path. `method` must
    /// be a catalog name or `unknown`, so the label set stays bounded.
    func requestMetrics(method: String) -> MethodRequestMetrics {
        MethodRequestMetrics(method: method, ok: requestCounter(method: method, outcome: "ok"), latency: requestLatency(method: method), metrics: self)
    }

    fileprivate func requestCounter(method: String, outcome: String) -> Counter {
        let key = method + "\u{1F}" + outcome
        return requestCounters.withLock { counters in
            if let counter = counters[key] { return counter }
            let counter = registry.makeCounter(descriptor: Self.descriptor("switchboard_requests_total", "Requests handled, by method and outcome"), labels: [("method", method), ("outcome", outcome)])
            counters[key] = counter
            return counter
        }
    }

    private func requestLatency(method: String) -> DurationHistogram {
        requestLatencies.withLock { histograms in
            if let histogram = histograms[method] { return histogram }
            let histogram = registry.makeDurationHistogram(descriptor: Self.descriptor("switchboard_request_duration_seconds", "Time from request frame to response, by method"), labels: [("method", method)], buckets: Self.latencyBuckets)
            histograms[method] = histogram
            return histogram
        }
    }

    /// The last hour of runs by minute (`status.runs`).
    let runActivity = RunActivityLog()

    /// One agent run ended (`ok`, `error`, `aborted`, `timeout`).
    func recordRunFinished(outcome: String, startedAtMs: Int?, endedAtMs: Int) {
        runActivity.record(outcome: outcome, durationMs: startedAtMs.map { endedAtMs - $0 } ?? 0, endedAtMs: endedAtMs)
        let counter = runCounters.withLock { counters in
            if let counter = counters[outcome] { return counter }
            let counter = registry.makeCounter(descriptor: Self.descriptor("switchboard_runs_finished_total", "Agent runs finished, by outcome"), labels: [("outcome", outcome)])
            counters[outcome] = counter
            return counter
        }
        counter.increment()
    }

    /// Feeds ``ProviderHTTP``'s per-attempt timing.
    func recordProviderCall(_ sample: ProviderCallSample) {
        let key = sample.providerId + "\u{1F}" + sample.outcome
        let counter = providerCounters.withLock { counters in
            if let counter = counters[key] { return counter }
            let counter = registry.makeCounter(descriptor: Self.descriptor("switchboard_provider_requests_total", "Model provider calls, by provider and outcome"), labels: [("provider", sample.providerId), ("outcome", sample.outcome)])
            counters[key] = counter
            return counter
        }
        counter.increment()
        guard let head = sample.responseHead else { return }
        let histogram = providerLatencies.withLock { histograms in
            if let histogram = histograms[sample.providerId] { return histogram }
            let histogram = registry.makeDurationHistogram(descriptor: Self.descriptor("switchboard_provider_response_seconds", "Time from sending a model request to its response head"), labels: [("provider", sample.providerId)], buckets: Self.providerBuckets)
            histograms[sample.providerId] = histogram
            return histogram
        }
        histogram.record(head)
    }

    /// Sets a sampled gauge (created on first use).
    func set(_ name: String, labels: [(String, String)] = [], help: String, to value: Double) {
        let key = name + labels.map { "\u{1F}\($0.0)=\($0.1)" }.joined()
        let gauge = gauges.withLock { gauges in
            if let gauge = gauges[key] { return gauge }
            let gauge = registry.makeGauge(descriptor: Self.descriptor(name, help), labels: labels)
            gauges[key] = gauge
            return gauge
        }
        gauge.set(value)
    }

    static func descriptor(_ name: String, _ help: String) -> MetricNameDescriptor {
        MetricNameDescriptor(metricName: name, unitName: "", helpText: help)
    }

    /// The exposition text (`text/plain; version=0.0.4`).
    func render() -> String {
        registry.emitToString()
    }
}

/// One method's request counter and latency histogram, looked up once so a successful
/// request costs two atomic updates and no locked lookups.
final class MethodRequestMetrics: Sendable {
    let method: String
    private let ok: Counter
    private let latency: DurationHistogram
    private let metrics: GatewayMetrics

    fileprivate init(method: String, ok: Counter, latency: DurationHistogram, metrics: GatewayMetrics) {
        self.method = method
        self.ok = ok
        self.latency = latency
        self.metrics = metrics
    }

    func record(outcome: String, duration: Duration) {
        if outcome == "ok" { ok.increment() } else { metrics.requestCounter(method: method, outcome: outcome).increment() }
        latency.record(duration)
    }
}

/// A method's ``MethodRequestMetrics``, made on its first request: series appear in
/// `/metrics` only for methods that were called, and later requests read it without a lock.
final class MethodMetricsSlot: Sendable {
    private let method: String
    private let resolved = AtomicLazyReference<MethodRequestMetrics>()

    init(method: String) {
        self.method = method
    }

    func metrics(in gateway: GatewayMetrics) -> MethodRequestMetrics {
        if let metrics = resolved.load() { return metrics }
        return resolved.storeIfNil(gateway.requestMetrics(method: method))
    }
}
