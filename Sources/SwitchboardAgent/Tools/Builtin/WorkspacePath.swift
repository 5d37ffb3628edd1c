import Foundation

/// Resolves a path a model gave against the workspace and refuses anything outside it,
/// including escapes through `..` or symbolic links.
struct WorkspacePath {
    let root: String

    init(workspace: String) throws {
        try FileManager.default.createDirectory(atPath: workspace, withIntermediateDirectories: true)
        root = URL(fileURLWithPath: workspace).resolvingSymlinksInPath().standardizedFileURL.path
    }

    /// The absolute path for `relative`, or a ``ToolFailure`` naming the problem.
    func resolve(_ relative: String) throws -> String {
        guard !relative.contains("\0") else { throw ToolFailure("path contains a NUL byte") }
        let trimmed = relative.trimmingCharacters(in: .whitespaces)
        let candidate: URL
        if trimmed.hasPrefix("/") {
            candidate = URL(fileURLWithPath: trimmed)
        } else {
            candidate = URL(fileURLWithPath: root).appendingPathComponent(trimmed.isEmpty ? "." : trimmed)
        }
        let standardized = candidate.standardizedFileURL
        // Resolve links on the deepest part that exists, so a link pointing out is caught.
        var existing = standardized
        var rest: [String] = []
        while !FileManager.default.fileExists(atPath: existing.path), existing.path != "/" {
            rest.insert(existing.lastPathComponent, at: 0)
            existing.deleteLastPathComponent()
        }
        var resolved = existing.resolvingSymlinksInPath()
        for component in rest { resolved.appendPathComponent(component) }
        let path = resolved.standardizedFileURL.path
        guard path == root || path.hasPrefix(root + "/") else {
            throw ToolFailure("path \"\(relative)\" is outside the workspace; use a path relative to the workspace")
        }
        return path
    }

    func relative(_ absolute: String) -> String {
        absolute == root ? "." : String(absolute.dropFirst(root.count + 1))
    }
}
