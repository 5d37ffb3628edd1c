import Foundation
#if canImport(CoreFoundation)
import CoreFoundation
#endif

/// Everything the gateway reads from config, env and flags, with the defaults that make it
/// work with no config file at all. Keys and their meaning are listed in ``ConfigKeys``.
public struct GatewayConfiguration: Sendable, Hashable {
    public var gateway = Gateway()
    public var logging = Logging()
    public var agent = AgentConfiguration()
    public var channels = ChannelConfiguration()
    public var automation = AutomationConfiguration()
    public var storage = Storage()

    /// The SQLite database in the state dir.
    public struct Storage: Sendable, Hashable {
        /// `full`: every acknowledged write is fsynced before the ack (survives power loss);
        /// `normal`: survives a process crash, may lose the last commits on power loss.
        public var durability = "full"
        public init() {}
    }

    public init() {}

    public struct Gateway: Sendable, Hashable {
        /// TCP port; 0 picks a free one (tests).
        public var port = 18789
        /// `loopback`, `lan` (all interfaces) or an IP address literal.
        public var bind = "loopback"
        public var auth = Auth()
        /// Time a socket may take to complete `connect` before it is closed (1000, no reason).
        public var handshakeTimeoutMs = 10_000
        /// How long `/` holds `connect.challenge` for a client that speaks first (Clara's
        /// adapter client, the `hello`, daemon `connect` and JSON-RPC dialects); 0 sends it at
        /// once, as OpenClaw clients wait for it. Such clients never see the challenge.
        public var firstFrameWaitMs = 0
        public var tickIntervalMs = 30_000
        public var healthRefreshIntervalMs = 60_000
        /// Connect-triggered health refreshes closer together than this collapse into one.
        public var healthCoalesceMs = 1_000
        /// Presence broadcasts after connects/disconnects closer together than this collapse into one.
        public var presenceCoalesceMs = 250
        /// Largest frame accepted after the handshake (`policy.maxPayload`).
        public var maxPayloadBytes = 25 * 1024 * 1024
        /// Largest frame accepted before the handshake completes.
        public var maxPreAuthPayloadBytes = 64 * 1024
        /// Outbound bytes queued per connection before it counts as a slow consumer.
        public var maxBufferedBytes = 50 * 1024 * 1024
        /// Requests one connection may have running at once; more are refused, not queued.
        public var maxInFlightRequests = 64
        /// How long a closing socket waits for the client's close frame.
        public var closeTimeoutMs = 5_000
        /// Allowed clock difference for `device.signedAt` (newest OpenClaw: 2 min).
        public var deviceSignatureSkewMs = 120_000
        public var idempotency = Idempotency()
        /// How long a stop or restart waits for clients to leave and runs to finish before
        /// aborting what is left (runs are persisted as interrupted).
        public var shutdownDrainMs = 5_000
        /// How often freed heap is handed back to the OS (glibc keeps it otherwise); 0 disables.
        public var memoryTrimIntervalMs = 30_000
        public var reload = Reload()
        /// Device pairing requests waiting for approval: how many, and for how long.
        public var pairingMaxPending = 32
        public var pairingRequestTtlMs = 300_000
        /// Treat devices connecting from the host's own non-loopback addresses as local
        /// (paired silently like loopback ones).
        public var pairingTrustHostAddresses = false
        /// Serve `GET /metrics` (behind the gateway auth when auth is on).
        public var metricsEnabled = true
        /// `config.set`/`patch`/`apply` calls allowed per method per minute.
        public var configWritesPerMinute = 30
        public var controlUi = ControlUi()
        /// The URL browsers reach the gateway at when it is not their own loopback address (a
        /// reverse proxy, a tunnel): its origin is accepted like the gateway's own.
        public var publicUrl: String?
        public var tls = TLS()
        /// The OpenAI-compatible HTTP API (`gateway.http.endpoints.chatCompletions.*`).
        public var chatCompletions = ChatCompletions()

        public init() {}
    }

    /// `POST /v1/chat/completions` and `GET /v1/models` on the gateway port (off by default).
    public struct ChatCompletions: Sendable, Hashable {
        public var enabled = false
        /// Largest request body read (images come inline as base64 data URLs).
        public var maxBodyBytes = 20 * 1024 * 1024

        public init() {}
    }

    /// `wss://` and `https://` on the gateway's one port.
    public struct TLS: Sendable, Hashable {
        public var enabled = false
        /// PEM certificate (chain) and private key; default `<stateDir>/gateway/tls/gateway-{cert,key}.pem`.
        public var certPath: String?
        public var keyPath: String?
        /// Make a self-signed certificate when neither file exists.
        public var autoGenerate = true

        public init() {}
    }

    /// Browser control surfaces (WebChat, Control UI) served from elsewhere.
    public struct ControlUi: Sendable, Hashable {
        /// Extra page origins (`https://host[:port]`) allowed to open the gateway from a
        /// browser; `*` allows any (dangerous: any web page the user visits).
        public var allowedOrigins: [String] = []
        /// Serve the Control UI at `/control` (it still needs a paired device for admin).
        public var enabled = true

        public init() {}
    }

    public struct Reload: Sendable, Hashable {
        /// Watch the config file and apply edits without a restart where possible.
        public var watch = true
        /// Quiet time after the last change before the file is read (editors write in steps).
        public var debounceMs = 200
        /// How often the file is checked where change notifications are unavailable.
        public var pollIntervalMs = 1_000
        public init() {}
    }

    public struct Auth: Sendable, Hashable {
        /// nil = automatic: password if one is set, else token if one is set, else none.
        public var mode: AuthMode?
        public var token: String?
        public var password: String?
        /// Failed shared-secret attempts allowed per client address within `rateLimitWindowMs`.
        public var rateLimitMaxAttempts = 10
        public var rateLimitWindowMs = 60_000

        public init() {}

        /// The mode actually enforced.
        public var effectiveMode: AuthMode {
            if let mode { return mode }
            if password != nil { return .password }
            if token != nil { return .token }
            return .none
        }
    }

    public enum AuthMode: String, Sendable, Hashable, CaseIterable {
        case none, token, password
    }

    public struct Idempotency: Sendable, Hashable {
        public var ttlMs = 300_000
        public var maxEntries = 1000
        public init() {}
    }

    public struct Logging: Sendable, Hashable {
        /// trace, debug, info, notice, warning, error, critical.
        public var level = "info"
        /// JSON-lines log file; nil means `<stateDir>/logs/gateway.jsonl`.
        public var file: String?
        /// Console output: `human`, `json` or `off`.
        public var console = "human"
        /// The log file is rotated (`.1`, `.2`, …) when it would grow past this size.
        public var maxFileBytes = 10 * 1024 * 1024
        /// Rotated files kept besides the live one.
        public var maxFiles = 5
        public init() {}
    }
}

extension GatewayConfiguration {
    /// Whether `bind` keeps the gateway on this machine only.
    public var isLoopbackBind: Bool {
        let bind = gateway.bind
        return bind == "loopback" || bind == "localhost" || bind.hasPrefix("127.") || bind == "::1"
    }

    /// `loopback`, `localhost`, `lan`, or an IPv4/IPv6 literal.
    static func isValidBind(_ bind: String) -> Bool {
        if ["loopback", "localhost", "lan"].contains(bind) { return true }
        var v4 = in_addr()
        var v6 = in6_addr()
        return inet_pton(AF_INET, bind, &v4) == 1 || inet_pton(AF_INET6, bind, &v6) == 1
    }

    /// The address to listen on.
    public var bindHost: String {
        switch gateway.bind {
        case "loopback", "localhost": "127.0.0.1"
        case "lan": "0.0.0.0"
        default: gateway.bind
        }
    }

    /// Checks rules that span keys; returns messages that name the keys and the fix.
    public func crossFieldProblems() -> [String] {
        var problems: [String] = []
        let auth = gateway.auth
        switch auth.effectiveMode {
        case .token where (auth.token ?? "").isEmpty:
            problems.append("gateway.auth.mode: is \"token\" but gateway.auth.token is empty; set it or SWITCHBOARD_GATEWAY_TOKEN")
        case .password where (auth.password ?? "").isEmpty:
            problems.append(
                "gateway.auth.mode: is \"password\" but gateway.auth.password is empty; set it or SWITCHBOARD_GATEWAY_PASSWORD"
            )
        default: break
        }
        if !isLoopbackBind && auth.effectiveMode == .none {
            problems.append(
                "gateway.bind: refusing to bind \"\(gateway.bind)\" without auth; set gateway.auth.token "
                    + "(or SWITCHBOARD_GATEWAY_TOKEN / --token) or bind to loopback"
            )
        }
        if automation.webhooks.enabled && (automation.webhooks.token ?? "").isEmpty {
            problems.append("hooks.enabled: is true but hooks.token is empty; set a token dedicated to webhooks (or SWITCHBOARD_HOOKS_TOKEN)")
        }
        if gateway.maxPreAuthPayloadBytes > gateway.maxPayloadBytes {
            problems.append("gateway.maxPreAuthPayloadBytes: must not exceed gateway.maxPayloadBytes")
        }
        return problems
    }
}
