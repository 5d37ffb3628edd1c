import Foundation
import SwitchboardCore
import SwitchboardProtocol
import Testing

/// The README is the user's manual: every setting the gateway reads is in it, and so is every
/// method and event it answers or sends.
struct ReadmeSettingsTests {
    static var readme: String {
        get throws {
            let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../../README.md").standardized.path
            // Line breaks inside a sentence are spaces.
            return try String(contentsOfFile: path, encoding: .utf8).split(whereSeparator: \.isWhitespace).joined(separator: " ")
        }
    }

    @Test("every config key is documented (by its path, a per-channel row, or as a leaf in a grouped row)")
    func everyKeyDocumented() throws {
        let readme = try Self.readme
        let missing = ConfigKeys.all.map(\.path).filter { path in
            if readme.contains("`\(path)`") { return false }
            let grouped = path.replacingOccurrences(of: "channels.telegram.", with: "channels.<telegram\\|adapter>.")
                .replacingOccurrences(of: "channels.adapter.", with: "channels.<telegram\\|adapter>.")
            if readme.contains("`\(grouped)`") { return false }
            let leaf = path.split(separator: ".").last.map(String.init) ?? path
            return !readme.contains("/ `\(leaf)`")
        }
        #expect(missing.isEmpty, "settings missing from the README: \(missing)")
    }

    @Test("every method and event is named in the README")
    func everyMethodAndEventDocumented() throws {
        let readme = try Self.readme
        let methods = MethodCatalog.names.filter { !readme.contains("`\($0)`") && !readme.contains("/ `.\($0.split(separator: ".").last ?? "")`") }
        let events = EventCatalog.names.filter { !readme.contains("`\($0)`") }
        #expect(methods.isEmpty, "methods missing from the README: \(methods)")
        #expect(events.isEmpty, "events missing from the README: \(events)")
    }
}
