import Crypto
public import Foundation
public import SwitchboardProtocol

/// Why a configuration was refused. Every problem names the key path (or env variable or
/// flag) and what was expected.
public struct ConfigError: Error, Sendable, CustomStringConvertible {
    public var source: String
    public var problems: [String]

    public var description: String {
        "invalid configuration (\(source)):\n" + problems.map { "  - \($0)" }.joined(separator: "\n")
    }
}

/// The config file as read from disk, kept for `config.get` and hot reload.
public struct ConfigFileSnapshot: Sendable, Hashable {
    public var path: String
    public var exists: Bool
    public var parsed: JSONValue?
    /// Hex SHA-256 of the file's bytes; the optimistic-concurrency token of `config.*`.
    public var hash: String
}

/// The result of loading: the effective configuration and where it came from.
public struct LoadedConfiguration: Sendable {
    public var configuration: GatewayConfiguration
    public var paths: GatewayPaths
    public var file: ConfigFileSnapshot
    /// The standard provider variables (`OPENAI_API_KEY`, …) seen at load time.
    public var providerEnvironment: [String: String] = [:]

    /// Variables read for model providers; their values are never logged.
    public static let providerVariables = ["OPENAI_API_KEY", "OPENAI_BASE_URL", "ANTHROPIC_API_KEY", "ANTHROPIC_BASE_URL", "OLLAMA_HOST"]

    public var logFile: String { configuration.logging.file ?? paths.defaultLogFile }
}

/// Builds the configuration from defaults, then the file (JSON5), then the environment,
/// then flags, in that precedence.
public enum ConfigLoader {
    /// - Parameters:
    ///   - paths: state dir and config file location.
    ///   - environment: process environment (`SWITCHBOARD_*`).
    ///   - overrides: flag values keyed by config path, e.g. `["gateway.port": "0"]`.
    /// - Throws: ``ConfigError`` naming every bad key.
    public static func load(paths: GatewayPaths, environment: [String: String], overrides: [String: String] = [:]) throws -> LoadedConfiguration {
        try resolve(file: readFile(at: paths.configPath), paths: paths, environment: environment, overrides: overrides)
    }

    /// Builds the configuration from an already-read file (also used to validate an edit
    /// before it is written).
    public static func resolve(
        file: ConfigFileSnapshot, paths: GatewayPaths, environment: [String: String], overrides: [String: String]
    ) throws -> LoadedConfiguration {
        var configuration = GatewayConfiguration()
        if let parsed = file.parsed {
            let problems = apply(json: parsed, to: &configuration)
            if !problems.isEmpty { throw ConfigError(source: paths.configPath, problems: problems) }
        }
        var problems: [String] = []
        for key in ConfigKeys.all {
            guard let variable = key.environment, let text = environment[variable], !text.isEmpty else { continue }
            if let problem = key.apply(&configuration, key.parseText(text)) {
                problems.append("\(variable) (\(problem))")
            }
        }
        for (path, text) in overrides.sorted(by: { $0.key < $1.key }) {
            guard let key = ConfigKeys.key(path) else {
                problems.append("\(path): unknown setting")
                continue
            }
            if let problem = key.apply(&configuration, key.parseText(text)) { problems.append(problem) }
        }
        problems += configuration.crossFieldProblems()
        if !problems.isEmpty { throw ConfigError(source: "environment and flags", problems: problems) }
        var loaded = LoadedConfiguration(configuration: configuration, paths: paths, file: file)
        loaded.providerEnvironment = environment.filter { LoadedConfiguration.providerVariables.contains($0.key) }
        return loaded
    }

    /// Reads and parses the file; a missing file is not an error.
    public static func readFile(at path: String) throws -> ConfigFileSnapshot {
        guard let data = FileManager.default.contents(atPath: path) else {
            return ConfigFileSnapshot(path: path, exists: false, parsed: nil, hash: sha256Hex(Data()))
        }
        return try parse(data, path: path)
    }

    /// Parses file content (JSON5, an object at the top).
    public static func parse(_ data: Data, path: String) throws -> ConfigFileSnapshot {
        let hash = sha256Hex(data)
        if data.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) {
            return ConfigFileSnapshot(path: path, exists: true, parsed: .object([:]), hash: hash)
        }
        let parsed: JSONValue
        do {
            parsed = try GatewayJSON.json5Decoder.decode(JSONValue.self, from: data)
        } catch {
            // Where it goes wrong, when our own pass can tell; the decoder says only "not valid JSON".
            let located = JSON5Locator.locate(String(decoding: data, as: UTF8.self)).map { "not valid JSON5 at \($0.description)" }
            throw ConfigError(source: path, problems: [located ?? "not valid JSON5: \(Self.describeParseError(error))"])
        }
        guard case .object = parsed else {
            throw ConfigError(source: path, problems: ["the top level must be an object, got \(parsed.typeName)"])
        }
        return ConfigFileSnapshot(path: path, exists: true, parsed: parsed, hash: hash)
    }

    /// Applies a parsed config object; returns one problem per bad or unknown key.
    public static func apply(json: JSONValue, to configuration: inout GatewayConfiguration) -> [String] {
        var problems: [String] = []
        walk(json, prefix: "", configuration: &configuration, problems: &problems)
        return problems
    }

    private static func walk(_ value: JSONValue, prefix: String, configuration: inout GatewayConfiguration, problems: inout [String]) {
        guard case .object(let object) = value else { return }
        for (name, child) in object.sorted(by: { $0.key < $1.key }) {
            let path = prefix.isEmpty ? name : "\(prefix).\(name)"
            if let key = ConfigKeys.key(path) {
                if let problem = key.apply(&configuration, child) { problems.append(problem) }
            } else if ConfigKeys.all.contains(where: { $0.path.hasPrefix(path + ".") }) {
                guard case .object = child else {
                    problems.append("\(path): expected an object, got \(child.typeName)")
                    continue
                }
                walk(child, prefix: path, configuration: &configuration, problems: &problems)
            } else {
                problems.append("\(path): unknown key\(suggestion(for: path))")
            }
        }
    }

    private static func suggestion(for path: String) -> String {
        let candidates = ConfigKeys.all.map(\.path)
        let best = candidates.min { editDistance($0, path) < editDistance($1, path) }
        guard let best, editDistance(best, path) <= 3 else { return "" }
        return " (did you mean \(best)?)"
    }

    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        var row = Array(0...b.count)
        for i in 1...max(a.count, 1) where !a.isEmpty {
            var previous = row[0]
            row[0] = i
            for j in 1...max(b.count, 1) where !b.isEmpty {
                let current = row[j]
                row[j] = min(row[j] + 1, row[j - 1] + 1, previous + (a[i - 1] == b[j - 1] ? 0 : 1))
                previous = current
            }
        }
        return row[b.count]
    }

    static func describeParseError(_ error: any Error) -> String {
        if let decoding = error as? DecodingError, case .dataCorrupted(let context) = decoding {
            let underlying = (context.underlyingError as? NSError)?.userInfo[NSDebugDescriptionErrorKey] as? String
            return underlying ?? context.debugDescription
        }
        return "unreadable"
    }

    static func sha256Hex(_ data: Data) -> String {
        SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
    }
}
