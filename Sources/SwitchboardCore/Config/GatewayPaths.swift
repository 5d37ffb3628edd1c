import Foundation

/// Where the gateway keeps its state: `~/.switchboard` unless `SWITCHBOARD_STATE_DIR` says
/// otherwise; the config file inside it unless `SWITCHBOARD_CONFIG_PATH` says otherwise.
public struct GatewayPaths: Sendable, Hashable {
    public var stateDir: String
    public var configPath: String

    public init(stateDir: String, configPath: String? = nil) {
        self.stateDir = stateDir
        self.configPath = configPath ?? (stateDir as NSString).appendingPathComponent("switchboard.json")
    }

    /// Resolves paths from flags (highest), then the environment, then the defaults.
    public static func resolve(stateDirFlag: String? = nil, configFlag: String? = nil, environment: [String: String]) -> GatewayPaths {
        let home = environment["HOME"] ?? NSHomeDirectory()
        let stateDir = stateDirFlag ?? environment["SWITCHBOARD_STATE_DIR"] ?? (home as NSString).appendingPathComponent(".switchboard")
        return GatewayPaths(stateDir: stateDir, configPath: configFlag ?? environment["SWITCHBOARD_CONFIG_PATH"])
    }

    public var databasePath: String { (stateDir as NSString).appendingPathComponent("switchboard.sqlite") }
    public var defaultLogFile: String { (stateDir as NSString).appendingPathComponent("logs/gateway.jsonl") }
    /// The CLI's own device identity (mode 0600).
    /// Where `gateway.tls.autoGenerate` keeps the certificate and key (OpenClaw's layout).
    public var defaultTLSCertPath: String { (stateDir as NSString).appendingPathComponent("gateway/tls/gateway-cert.pem") }
    public var defaultTLSKeyPath: String { (stateDir as NSString).appendingPathComponent("gateway/tls/gateway-key.pem") }
    public var cliIdentityPath: String { (stateDir as NSString).appendingPathComponent("identity/cli-device.json") }
}
