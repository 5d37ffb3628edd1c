public import Foundation
public import SwitchboardProtocol

/// Edits of the config file: merge patches, putting back secrets a client saw redacted, and
/// writing safely (a `.bak` of the previous file, then an atomic rename).
public enum ConfigDocument {
    /// RFC 7396 JSON merge patch, plus OpenClaw's rule that arrays of objects with an `id`
    /// merge element by element on `id` (a `null` element value deletes that element).
    public static func mergePatch(_ target: JSONValue, _ patch: JSONValue) -> JSONValue {
        switch (target, patch) {
        case (.object(var object), .object(let changes)):
            for (name, change) in changes {
                if change == .null {
                    object[name] = nil
                } else {
                    object[name] = mergePatch(object[name] ?? .null, change)
                }
            }
            return .object(object)
        case (_, .object(let changes)):
            return mergePatch(.object([:]), .object(changes))
        case (.array(let items), .array(let changes)) where isIdentified(items) && isIdentified(changes):
            return .array(mergeByID(items, changes))
        default:
            return patch
        }
    }

    private static func isIdentified(_ items: [JSONValue]) -> Bool {
        !items.isEmpty && items.allSatisfy { $0.objectValue?["id"]?.stringValue != nil }
    }

    private static func mergeByID(_ items: [JSONValue], _ changes: [JSONValue]) -> [JSONValue] {
        var result = items
        for change in changes {
            guard let id = change.objectValue?["id"]?.stringValue else { continue }
            if let index = result.firstIndex(where: { $0.objectValue?["id"]?.stringValue == id }) {
                result[index] = mergePatch(result[index], change)
            } else {
                result.append(mergePatch(.object([:]), change))
            }
        }
        return result
    }

    /// Replaces every ``ConfigRedaction/placeholder`` in `edited` with the value at the same
    /// place in `original`, so a client can send back what `config.get` showed it.
    /// - Returns: nil when a placeholder has no original to restore (the path is named in `missing`).
    public static func restoringRedacted(_ edited: JSONValue, from original: JSONValue?, path: String = "", missing: inout [String]) -> JSONValue {
        switch edited {
        case .string(ConfigRedaction.placeholder):
            if let original, original != .null, original != .string(ConfigRedaction.placeholder) { return original }
            missing.append(path.isEmpty ? "(top level)" : path)
            return edited
        case .string(let text) where text.contains(ConfigRedaction.placeholder):
            // A partly redacted string (URL userinfo, `--token=…`): restored when it is what the original showed.
            if let original = original?.stringValue, ConfigRedaction.isRedactedForm(text, of: original) { return .string(original) }
            missing.append(path.isEmpty ? "(top level)" : path)
            return edited
        case .object(let object):
            var result: [String: JSONValue] = [:]
            for (name, child) in object {
                let childPath = path.isEmpty ? name : "\(path).\(name)"
                result[name] = restoringRedacted(child, from: original?.objectValue?[name], path: childPath, missing: &missing)
            }
            return .object(result)
        case .array(let items):
            let originals = original?.arrayValue ?? []
            let shown = ConfigRedaction.redactArray(originals, prefix: "")
            return .array(
                items.enumerated().map { index, item in
                    // An argument redacted for the flag before it comes back exactly as shown.
                    if index < originals.count, item == shown[index], item.stringValue?.contains(ConfigRedaction.placeholder) == true { return originals[index] }
                    return restoringRedacted(item, from: index < originals.count ? originals[index] : nil, path: "\(path)[\(index)]", missing: &missing)
                }
            )
        default:
            return edited
        }
    }

    /// Pretty JSON with sorted keys: what a patched config is written as.
    public static func render(_ value: JSONValue) -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        var data = (try? encoder.encode(value)) ?? Data("{}".utf8)
        data.append(0x0A)
        return data
    }

    /// Writes `data` to `path`: the current file is kept as `<path>.bak` first, then the new
    /// content replaces it through ``DurableFile`` (fsynced temp file, rename, fsynced
    /// directory: never a torn file), mode 0600 since the file may hold secrets.
    public static func write(_ data: Data, to path: String) throws {
        let manager = FileManager.default
        let directory = (path as NSString).deletingLastPathComponent
        try manager.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        if let previous = manager.contents(atPath: path) {
            try DurableFile.replace(path + ".bak", with: previous)
        }
        try DurableFile.replace(path, with: data)
    }
}
