import Foundation
import NIOCore
public import SwitchboardProtocol

/// Typed handlers keyed by wire name. Registration captures a generic closure, so params are
/// decoded once, straight from the frame bytes into the method's `Params` type.
public struct MethodRegistry: Sendable {
    struct Entry: Sendable {
        var descriptor: MethodDescriptor
        /// Decodes params from the whole frame, runs the handler, encodes the `res` frame.
        var invoke: @Sendable (_ frame: Data, _ context: RequestContext) async throws -> ByteBuffer
    }

    private(set) var entries: [String: Entry] = [:]

    public init() {}

    /// Registers the handler for `M`. Registering a name twice is a programming error.
    public mutating func register<M: GatewayMethod>(
        _ method: M.Type,
        _ handler: @escaping @Sendable (M.Params, RequestContext) async throws -> M.Result
    ) {
        precondition(entries[M.name] == nil, "method \(M.name) registered twice")
        entries[M.name] = Entry(descriptor: M.descriptor) { frame, context in
            let params = try Self.decodeParams(M.Params.self, from: frame)
            let result = try await handler(params, context)
            var buffer = ByteBuffer()
            buffer.writeBytes(try GatewayJSON.encoder.encode(ResponseFrame<M.Result>.success(id: context.requestId, result)))
            return buffer
        }
    }

    /// Registers a method whose handler returns its result already encoded (see ``EncodedPayload``).
    mutating func registerEncoded<M: GatewayMethod>(
        _ method: M.Type,
        _ handler: @escaping @Sendable (M.Params, RequestContext) async throws -> EncodedPayload
    ) {
        precondition(entries[M.name] == nil, "method \(M.name) registered twice")
        entries[M.name] = Entry(descriptor: M.descriptor) { frame, context in
            let params = try Self.decodeParams(M.Params.self, from: frame)
            return try await handler(params, context).responseFrame(id: context.requestId)
        }
    }

    /// The names of every registered method, in catalog order where known.
    public var names: [String] {
        let catalog = MethodCatalog.names.filter { entries[$0] != nil }
        return catalog + entries.keys.filter { !catalog.contains($0) }.sorted()
    }

    func entry(_ name: String) -> Entry? { entries[name] }

    /// Missing `params` means "no params": decoded from `{}` so all-optional types succeed
    /// and required fields are reported by name.
    static func decodeParams<P: Decodable>(_ type: P.Type, from frame: Data) throws -> P {
        let envelope: ParamsEnvelope<P>
        do {
            envelope = try GatewayJSON.decoder.decode(ParamsEnvelope<P>.self, from: frame)
        } catch let error as DecodingError {
            throw GatewayError.invalidRequest("invalid params: \(error.fieldDescription(root: ""))")
        }
        if let params = envelope.params { return params }
        do {
            return try GatewayJSON.decoder.decode(P.self, from: Data("{}".utf8))
        } catch let error as DecodingError {
            throw GatewayError.invalidRequest("invalid params: \(error.fieldDescription(root: "params"))")
        }
    }
}
