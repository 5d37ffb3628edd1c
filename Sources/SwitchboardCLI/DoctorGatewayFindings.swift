import ArgumentParser
import Foundation
import SwitchboardClient
import SwitchboardCore
import SwitchboardProtocol

extension DoctorCommand {
    /// When a gateway runs on this state dir, what it says about itself (auth, TLS, its model
    /// providers) instead of what this shell's environment would give a new one: a service
    /// reads its own env file, which this shell may not have. nil when none runs.
    static func runningGatewayFindings(_ paths: GatewayPaths, timeout: Int) async -> [Finding]? {
        guard let (record, running) = InstanceLock.inspect(stateDir: paths.stateDir), running else { return nil }
        let options: ClientOptions
        do {
            options = try ClientOptions.parse(["--state-dir", paths.stateDir, "--config", paths.configPath, "--timeout", String(timeout)])
        } catch {
            return nil
        }
        do {
            let (status, models, health) = try await options.withClientQuietly { client in
                (
                    try await client.call(Status.self),
                    try await client.call(ModelsList.self, .init(view: "configured")),
                    try await client.call(Health.self, .init())
                )
            }
            var findings = [
                Finding(
                    verdict: .pass, check: "gateway",
                    detail: "running: pid \(status.pid), version \(status.version), \(status.bind):\(status.port), auth \(status.authMode), TLS \(status.tls?.enabled == true ? "on" : "off")"
                )
            ]
            let providers = Dictionary(grouping: models.models, by: \.provider)
            if providers.isEmpty {
                let warning = health.readiness?["warnings"]?.arrayValue?.first?.stringValue ?? "the running gateway has no model provider"
                findings.append(
                    Finding(
                        verdict: .warn, check: "providers", detail: "the running gateway has none: \(warning)",
                        fix: "put OPENAI_API_KEY=… in \(paths.stateDir)/gateway.env (or models.providers in \(paths.configPath)), then `switchboard gateway restart`"
                    ))
            } else {
                let list = providers.keys.sorted().map { "\($0) (\(providers[$0]?.count ?? 0) model\(providers[$0]?.count == 1 ? "" : "s"))" }.joined(separator: ", ")
                findings.append(Finding(verdict: .pass, check: "providers", detail: "the running gateway uses \(list)"))
            }
            return findings
        } catch let failure as ExplainedFailure {
            return [
                Finding(
                    verdict: .warn, check: "gateway", detail: "running (pid \(record.process.pid)) but it did not answer this doctor: \(failure.message)",
                    fix: "pass the gateway's token (SWITCHBOARD_GATEWAY_TOKEN) so doctor can ask it")
            ]
        } catch {
            return [Finding(verdict: .warn, check: "gateway", detail: "running (pid \(record.process.pid)) but it did not answer: \(error)")]
        }
    }
}
