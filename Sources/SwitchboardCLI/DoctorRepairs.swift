import Foundation
import SwitchboardCore

#if canImport(Glibc)
    import Glibc
#endif

extension DoctorCommand {
    /// What `doctor --fix` repairs by itself before checking: permissions that expose tokens,
    /// transcripts or the TLS key to other users. Anything that needs a decision (a broken
    /// config, a port held by another program, a missing provider) is only reported.
    static func repair(_ paths: GatewayPaths, loaded: LoadedConfiguration?) -> [String] {
        var done: [String] = []
        func restrict(_ path: String, to mode: mode_t, what: String) {
            guard let current = ((try? FileManager.default.attributesOfItem(atPath: path))?[.posixPermissions] as? NSNumber)?.intValue,
                current & 0o077 != 0
            else { return }
            if chmod(path, mode) == 0 {
                done.append("\(what) \(path): mode \(String(current & 0o777, radix: 8)) → \(String(Int(mode), radix: 8))")
            } else {
                done.append("could not chmod \(path): \(String(cString: strerror(errno)))")
            }
        }
        restrict(paths.stateDir, to: 0o700, what: "state dir")
        restrict(paths.databasePath, to: 0o600, what: "database")
        restrict((paths.stateDir as NSString).appendingPathComponent("gateway.env"), to: 0o600, what: "secrets file")
        restrict(paths.cliIdentityPath, to: 0o600, what: "CLI identity")
        if let loaded, loaded.configuration.gateway.tls.enabled {
            let keyPath = ((loaded.configuration.gateway.tls.keyPath ?? paths.defaultTLSKeyPath) as NSString).expandingTildeInPath
            restrict(keyPath, to: 0o600, what: "TLS private key")
        }
        if FileManager.default.fileExists(atPath: paths.configPath) { restrict(paths.configPath, to: 0o600, what: "config file") }
        return done
    }
}
