import ArgumentParser
import Foundation
import SwitchboardClient
import SwitchboardCore
import SwitchboardProtocol

/// How CLI commands reach a running gateway: URL, credentials, device identity, output format.
struct ClientOptions: ParsableArguments {
    @Option(help: "Gateway URL (default SWITCHBOARD_GATEWAY_URL, else ws://127.0.0.1:<configured port>, wss:// when gateway.tls is on).") var url: String?
    @Option(
        help: "SHA-256 fingerprint the gateway's TLS certificate must have, for wss:// (default SWITCHBOARD_GATEWAY_TLS_FINGERPRINT, then the local gateway's own certificate)."
    ) var tlsFingerprint: String?
    @Option(help: "Shared gateway token (default SWITCHBOARD_GATEWAY_TOKEN, then the local config).") var token: String?
    @Option(help: "Shared gateway password (default SWITCHBOARD_GATEWAY_PASSWORD, then the local config).") var password: String?
    @Flag(help: "Print machine-readable JSON instead of the human summary.") var json = false
    @Option(help: "Seconds to wait for the connection and the answer.") var timeout: Double = 15
    @Flag(name: .customLong("no-device"), help: "Connect without this CLI's device identity (shared token only).") var noDevice = false
    @OptionGroup var paths: PathOptions

    /// Runs `body` with a connected client; turns failures into clear messages and exit codes.
    func withClient<T: Sendable>(_ body: @Sendable (GatewayClient) async throws -> T) async throws -> T {
        do {
            return try await withClientQuietly(body)
        } catch let failure as ExplainedFailure {
            FileHandle.standardError.write(Data("switchboard: \(failure.message)\n".utf8))
            throw ExitCode(failure.exitCode)
        }
    }

    /// Like ``withClient(_:)`` but nothing is printed: a failure is thrown with its explanation.
    func withClientQuietly<T: Sendable>(_ body: @Sendable (GatewayClient) async throws -> T) async throws -> T {
        let configuration = try clientConfiguration()
        do {
            return try await withGatewayClient(configuration) { client in
                try await client.waitUntilConnected(timeout: .seconds(timeout))
                return try await body(client)
            }
        } catch let error as GatewayClientError {
            throw ExplainedFailure(
                message: Self.explain(error, url: configuration.url),
                exitCode: Self.exitCode(error)
            )
        }
    }

    /// `role` picks which of the identity's device tokens is used and kept (`operator`, `node`).
    func clientConfiguration(role: String = "operator") throws -> GatewayClientConfiguration {
        let environment = ProcessInfo.processInfo.environment
        let paths = paths.resolve()
        // Best effort: a local config tells the port and credentials; a broken one is ignored here.
        let local = try? ConfigLoader.load(paths: paths, environment: environment)
        let configuredPort = local?.configuration.gateway.port ?? 18789
        let identityPath = paths.cliIdentityPath
        let identityFile = noDevice ? nil : try? DeviceIdentityFile.loadOrCreate(at: identityPath)
        let identity = try identityFile?.identity()
        let savedToken = identityFile?.tokens[role]
        // The gateway running on this state dir says where it listens (a --port given at start,
        // TLS on or off); otherwise the config file's port and TLS setting.
        let running = InstanceLock.inspect(stateDir: paths.stateDir).flatMap { $0.running ? $0.record : nil }
        let port = running?.port ?? configuredPort
        let localTLS = running?.tls ?? (local?.configuration.gateway.tls.enabled == true)
        let explicitURL = url ?? environment["SWITCHBOARD_GATEWAY_URL"]
        var pin: TLSFingerprint?
        if let text = tlsFingerprint ?? environment["SWITCHBOARD_GATEWAY_TLS_FINGERPRINT"] {
            guard let parsed = TLSFingerprint(text) else {
                throw ExplainedFailure(
                    message: "--tls-fingerprint: expected a SHA-256 fingerprint (64 hex digits, colons allowed), got \"\(text.prefix(100))\"",
                    exitCode: ExitCodes.usage
                )
            }
            pin = parsed
        } else if explicitURL == nil || explicitURL.map(Self.isLoopbackURL) == true {
            // The gateway on this host: its own certificate file says what to expect.
            pin = local?.localTLSFingerprint
        }
        var configuration = GatewayClientConfiguration(
            url: explicitURL ?? "\(localTLS ? "wss" : "ws")://127.0.0.1:\(port)",
            token: token ?? environment["SWITCHBOARD_GATEWAY_TOKEN"] ?? local?.configuration.gateway.auth.token,
            password: password ?? environment["SWITCHBOARD_GATEWAY_PASSWORD"] ?? local?.configuration.gateway.auth.password,
            deviceToken: savedToken,
            deviceIdentity: identity,
            requestTimeout: .seconds(timeout),
            connectTimeout: .seconds(timeout),
            reconnect: false,
            onDeviceToken: { token in
                // Persist a newly issued device token so later runs authenticate with it.
                guard token != savedToken, var file = identityFile else { return }
                file.tokens[role] = token
                try? file.save(to: identityPath)
            }
        )
        configuration.tlsFingerprint = pin
        return configuration
    }

    /// Whether a URL names this machine by a loopback address or `localhost`.
    static func isLoopbackURL(_ url: String) -> Bool {
        guard let host = URL(string: url)?.host?.lowercased() else { return false }
        return host == "localhost" || host.hasPrefix("127.") || host == "::1" || host == "[::1]"
    }

    static func exitCode(_ error: GatewayClientError) -> Int32 {
        switch error.code {
        case .requestFailed: ExitCodes.failure
        case .tlsFingerprintMismatch, .tlsUntrusted: ExitCodes.untrustedGateway
        case .connectRejected: ExitCodes.refused
        default: ExitCodes.unavailable
        }
    }

    static func explain(_ error: GatewayClientError, url: String) -> String {
        switch error.code {
        case .unreachable:
            // A refused or absent socket is the usual case; anything else (TLS, a closed socket) is said as it is.
            let detail = error.message.contains("onnection refused") || error.message.contains("ECONNREFUSED") ? "" : "\n  \(error.message)"
            return "cannot reach the gateway at \(url). Is it running? Start it with `switchboard gateway`.\(detail)"
        case .connectRejected:
            guard let gatewayError = error.gatewayError else { return error.description }
            var text = "the gateway refused the connection: \(gatewayError.message)"
            switch gatewayError.detailCode?.rawValue {
            case "AUTH_TOKEN_MISSING", "AUTH_TOKEN_MISMATCH":
                text += "\n  pass --token or set SWITCHBOARD_GATEWAY_TOKEN to the gateway's token"
            case "AUTH_PASSWORD_MISSING", "AUTH_PASSWORD_MISMATCH":
                text += "\n  pass --password or set SWITCHBOARD_GATEWAY_PASSWORD"
            case "PAIRING_REQUIRED":
                if gatewayError.details?["requestId"]?.stringValue == nil {
                    text += "\n  this CLI's device is not paired with that gateway; approve it there, or retry with --no-device and the shared token"
                }
            default: break
            }
            return text
        case .tlsFingerprintMismatch:
            return error.message + "\n  the certificate is not the one you pinned: check --tls-fingerprint against `switchboard status` on the gateway host; a changed certificate can also mean someone is in between"
        case .requestFailed:
            guard let gatewayError = error.gatewayError else { return error.description }
            return "\(gatewayError.code.rawValue): \(gatewayError.message)"
        default:
            return error.description
        }
    }
}

/// A failure already phrased for the user.
struct ExplainedFailure: Error, CustomStringConvertible {
    var message: String
    /// What the process exits with when nobody handles the failure.
    var exitCode: Int32
    var description: String { message }
}
