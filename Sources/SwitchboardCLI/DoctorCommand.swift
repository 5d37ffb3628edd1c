import ArgumentParser
import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import SwitchboardAgent
import SwitchboardCore
#if canImport(Glibc)
import Glibc
#endif

/// `switchboard doctor`: checks what usually goes wrong and says how to fix it. Exit 0 when
/// nothing failed (warnings allowed), 1 otherwise.
struct DoctorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "doctor", abstract: "Check config, state dir, lock and port, auth exposure and model providers; print fixes."
    )

    @OptionGroup var paths: PathOptions
    @Option(help: "Seconds to wait for each provider.") var timeout: Int = 5
    @Flag(help: "Repair what needs no decision first (file permissions that expose secrets), then check.") var fix = false

    enum Verdict: String {
        case pass = "ok  ", warn = "warn", fail = "FAIL"
    }

    struct Finding {
        var verdict: Verdict
        var check: String
        var detail: String
        var fix: String?
    }

    func run() async throws {
        let resolved = paths.resolve()
        if fix {
            let local = try? ConfigLoader.load(paths: resolved, environment: ProcessInfo.processInfo.environment)
            let repaired = Self.repair(resolved, loaded: local)
            print(repaired.isEmpty ? "[fix ] nothing to repair" : repaired.map { "[fix ] \($0)" }.joined(separator: "\n"))
        }
        var findings: [Finding] = []
        let loaded: LoadedConfiguration?
        do {
            let value = try ConfigLoader.load(paths: resolved, environment: ProcessInfo.processInfo.environment)
            loaded = value
            findings.append(Finding(verdict: .pass, check: "config", detail: value.file.exists ? "\(resolved.configPath) is valid" : "no file; defaults apply"))
        } catch let error as ConfigError {
            loaded = nil
            findings.append(
                Finding(
                    verdict: .fail, check: "config", detail: error.problems.joined(separator: "; "),
                    fix: "edit \(resolved.configPath) (see `switchboard config check`), or restore \(resolved.configPath).bak"
                )
            )
        }
        findings += Self.stateDirFindings(resolved)
        if let loaded {
            findings.append(Self.lockAndPortFinding(resolved, configuration: loaded.configuration))
            findings.append(Self.exposureFinding(loaded.configuration))
            findings.append(Self.tlsFinding(loaded))
            // A running gateway is asked what it has; only without one does this shell's environment speak for it.
            let running = await Self.runningGatewayFindings(resolved, timeout: timeout)
            findings += running ?? []
            if running?.contains(where: { $0.check == "providers" }) != true { findings += await providerFindings(loaded) }
        }
        for finding in findings {
            print("[\(finding.verdict.rawValue)] \(finding.check): \(finding.detail)")
            if let fix = finding.fix, finding.verdict != .pass { print("       fix: \(fix)") }
        }
        let failed = findings.filter { $0.verdict == .fail }.count
        print(failed == 0 ? "all checks passed" : "\(failed) check(s) failed")
        if failed > 0 { throw ExitCode(ExitCodes.failure) }
    }

    static func stateDirFindings(_ paths: GatewayPaths) -> [Finding] {
        let manager = FileManager.default
        guard let attributes = try? manager.attributesOfItem(atPath: paths.stateDir) else {
            return [Finding(verdict: .pass, check: "state dir", detail: "\(paths.stateDir) does not exist yet; the gateway creates it (mode 0700)")]
        }
        var findings: [Finding] = []
        let owner = (attributes[.ownerAccountID] as? NSNumber)?.uint32Value ?? getuid()
        if owner != getuid() {
            findings.append(
                Finding(verdict: .fail, check: "state dir", detail: "\(paths.stateDir) belongs to uid \(owner), not you", fix: "chown -R $(id -u) \(paths.stateDir)")
            )
        }
        if access(paths.stateDir, W_OK) != 0 {
            findings.append(Finding(verdict: .fail, check: "state dir", detail: "\(paths.stateDir) is not writable", fix: "chmod u+rwx \(paths.stateDir)"))
        }
        let mode = ((attributes[.posixPermissions] as? NSNumber)?.intValue ?? 0o700) & 0o777
        if mode & 0o077 != 0 {
            findings.append(
                Finding(
                    verdict: .warn, check: "state dir", detail: "\(paths.stateDir) is mode \(String(mode, radix: 8)): others can read tokens and transcripts",
                    fix: "chmod 700 \(paths.stateDir)"
                )
            )
        }
        let databaseMode = ((try? manager.attributesOfItem(atPath: paths.databasePath))?[.posixPermissions] as? NSNumber)?.intValue ?? 0o600
        if databaseMode & 0o077 != 0 {
            findings.append(
                Finding(verdict: .warn, check: "database", detail: "\(paths.databasePath) is readable by others", fix: "chmod 600 \(paths.databasePath)")
            )
        }
        return findings.isEmpty ? [Finding(verdict: .pass, check: "state dir", detail: "\(paths.stateDir) is private and writable")] : findings
    }

    static func lockAndPortFinding(_ paths: GatewayPaths, configuration: GatewayConfiguration) -> Finding {
        let port = configuration.gateway.port
        if let (record, running) = InstanceLock.inspect(stateDir: paths.stateDir) {
            if running {
                return Finding(
                    verdict: .pass, check: "lock and port", detail: "gateway running: pid \(record.process.pid), port \(record.port.map(String.init) ?? "?")"
                )
            }
        }
        guard port != 0, let holder = PortHolder.find(port: port) else {
            return Finding(verdict: .pass, check: "lock and port", detail: "no gateway running; port \(port) is free")
        }
        return Finding(
            verdict: .fail, check: "lock and port", detail: "port \(port) is taken by \(holder), which is not this state dir's gateway",
            fix: "stop that process, or set gateway.port (or --port) to a free port"
        )
    }

    static func exposureFinding(_ configuration: GatewayConfiguration) -> Finding {
        let auth = configuration.gateway.auth
        if configuration.isLoopbackBind {
            return Finding(verdict: .pass, check: "exposure", detail: "bound to loopback only (auth: \(auth.effectiveMode.rawValue))")
        }
        switch auth.effectiveMode {
        case .none:
            return Finding(
                verdict: .fail, check: "exposure", detail: "bound to \(configuration.bindHost) with no auth: anyone on the network controls the agent",
                fix: "set SWITCHBOARD_GATEWAY_TOKEN (or gateway.auth.token), or bind to loopback"
            )
        case .token where (auth.token ?? "").count < 24, .password where (auth.password ?? "").count < 12:
            return Finding(
                verdict: .warn, check: "exposure", detail: "bound to \(configuration.bindHost) with a short \(auth.effectiveMode.rawValue)",
                fix: "use a long random token: openssl rand -base64 32"
            )
        default:
            return Finding(verdict: .pass, check: "exposure", detail: "bound to \(configuration.bindHost) with \(auth.effectiveMode.rawValue) auth")
        }
    }

    /// TLS: the certificate and its fingerprint when on; a warning when the gateway is reachable
    /// from the network in plain text (a reverse proxy or tunnel in front is fine: say so with `gateway.publicUrl`).
    static func tlsFinding(_ loaded: LoadedConfiguration) -> Finding {
        let configuration = loaded.configuration
        let tls = configuration.gateway.tls
        if tls.enabled {
            guard let fingerprint = loaded.localTLSFingerprint else {
                let path = tls.certPath ?? loaded.paths.defaultTLSCertPath
                return tls.autoGenerate && tls.certPath == nil
                    ? Finding(verdict: .pass, check: "tls", detail: "on; a self-signed certificate is made at the first start (\(path))")
                    : Finding(verdict: .fail, check: "tls", detail: "on, but the certificate \(path) cannot be read", fix: "set gateway.tls.certPath/keyPath to PEM files, or remove them to use autoGenerate")
            }
            let keyPath = ((tls.keyPath ?? loaded.paths.defaultTLSKeyPath) as NSString).expandingTildeInPath
            let keyMode = ((try? FileManager.default.attributesOfItem(atPath: keyPath))?[.posixPermissions] as? NSNumber)?.intValue ?? 0o600
            if keyMode & 0o077 != 0 {
                return Finding(verdict: .warn, check: "tls", detail: "the private key \(keyPath) is readable by others (mode \(String(keyMode & 0o777, radix: 8)))", fix: "chmod 600 \(keyPath)")
            }
            return Finding(verdict: .pass, check: "tls", detail: "on; certificate SHA-256 \(fingerprint) (remote clients: --tls-fingerprint \(fingerprint))")
        }
        if configuration.isLoopbackBind {
            return Finding(verdict: .pass, check: "tls", detail: "off (loopback only)")
        }
        if let publicUrl = configuration.gateway.publicUrl, publicUrl.lowercased().hasPrefix("https://") {
            return Finding(verdict: .pass, check: "tls", detail: "off on the port; clients come through \(publicUrl)")
        }
        return Finding(
            verdict: .warn, check: "tls",
            detail: "bound to \(configuration.bindHost) without TLS: tokens and conversations cross the network in plain text",
            fix: "set gateway.tls.enabled to true (clients then pin the certificate with --tls-fingerprint), or put an HTTPS tunnel in front and set gateway.publicUrl"
        )
    }

    func providerFindings(_ loaded: LoadedConfiguration) async -> [Finding] {
        let providers = ProviderSettings.merging(configured: loaded.configuration.agent.providers, environment: loaded.providerEnvironment)
        guard !providers.isEmpty else {
            return [
                Finding(
                    verdict: .warn, check: "providers", detail: "no model provider configured: agent runs will fail",
                    fix: "set OPENAI_API_KEY or ANTHROPIC_API_KEY, or add models.providers to the config"
                )
            ]
        }
        var findings: [Finding] = []
        for provider in providers {
            findings.append(await probe(provider))
        }
        return findings
    }

    func probe(_ provider: ProviderSettings) async -> Finding {
        let check = "provider \(provider.id)"
        switch await ProviderProbe.check(provider, timeout: .seconds(timeout)) {
        case .refused(let status):
            return Finding(
                verdict: .fail, check: check, detail: "\(provider.baseURL) refused the API key (HTTP \(status))",
                fix: "check the key for \(provider.id) in \(provider.api == .anthropic ? "ANTHROPIC_API_KEY" : "OPENAI_API_KEY") or models.providers.\(provider.id).apiKey"
            )
        case .answered(let status, _):
            return Finding(verdict: .pass, check: check, detail: "\(provider.baseURL) answered (HTTP \(status))")
        case .unreachable(let reason):
            return Finding(
                verdict: .fail, check: check, detail: "\(provider.baseURL) is unreachable (\(reason))",
                fix: "check the address in models.providers.\(provider.id).baseUrl and the network"
            )
        }
    }
}
